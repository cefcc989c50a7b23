//! The resources an unresolved Terraform expression refers to, read from
//! the text kept in [`archgate_core::Value::Unknown`], so cross-resource
//! checks can link `bucket = aws_s3_bucket.b.id` to `aws_s3_bucket.b`.
//!
//! A lexical scan, not a parser: it finds dotted reference chains outside
//! string literals (and inside `${…}` interpolations), and knows which
//! roots are not resources (`var`, `local`, `each`, …).

/// Roots of references that never name a resource.
const NOT_RESOURCES: &[&str] = &["var", "local", "each", "count", "self", "path", "terraform"];

/// Addresses referenced by an unresolved expression's text, in order of
/// first appearance, without duplicates, in the shape of
/// [`crate::Resource::address`]: `aws_s3_bucket.b` for
/// `aws_s3_bucket.b.arn` or `aws_instance.web[0].id`, `aws_iam_policy_document.p`
/// for `data.aws_iam_policy_document.p.json` (data sources carry no `data.`
/// prefix), the module name `vpc` for `module.vpc.vpc_id`. For an
/// expression inside a local module, prefix the results with the resource's
/// [`crate::ModuleCall::address`] and a dot.
pub fn referenced_addresses(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |chain: &[&str]| {
        if let Some(a) = address_of(chain) {
            if !out.contains(&a) {
                out.push(a);
            }
        }
    };
    let bytes = text.as_bytes();
    // Modes: true = expression, false = inside a string/template literal.
    // `${` inside a literal opens an expression; its `}` closes it.
    let mut stack: Vec<bool> = Vec::new();
    let mut expr = true;
    let mut braces: Vec<usize> = vec![0];
    let mut i = 0;
    if text.starts_with("<<") {
        // A heredoc: its body is a template.
        expr = false;
        i = text.find('\n').map_or(text.len(), |n| n + 1);
    }
    let mut chain: Vec<&str> = Vec::new();
    while i < bytes.len() {
        let c = bytes[i];
        if !expr {
            match c {
                b'\\' => i += 2,
                b'"' if !stack.is_empty() || !text.starts_with("<<") => {
                    expr = stack.pop().unwrap_or(true);
                    i += 1;
                }
                b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                    if bytes.get(i.wrapping_sub(1)) == Some(&c) {
                        // `$${` is an escaped literal `${`.
                        i += 2;
                        continue;
                    }
                    stack.push(false);
                    braces.push(0);
                    expr = true;
                    i += 2;
                }
                _ => i += 1,
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
            {
                i += 1;
            }
            let ident = text.get(start..i).unwrap_or_default();
            // Part of a chain when preceded by `.` (directly or after `[…]`).
            let continues = start > 0 && bytes[start - 1] == b'.' && !chain.is_empty();
            if !continues {
                push(&chain);
                chain.clear();
            }
            chain.push(ident);
            // Skip index operators (`[0]`, `["k"]`) that keep the chain going.
            while bytes.get(i) == Some(&b'[') {
                match text.get(i..).and_then(|t| t.find(']')) {
                    Some(close) => i += close + 1,
                    None => break,
                }
            }
            if bytes.get(i) != Some(&b'.') {
                push(&chain);
                chain.clear();
            }
            continue;
        }
        match c {
            b'.' => {}
            b'"' => {
                push(&chain);
                chain.clear();
                stack.push(true);
                expr = false;
            }
            b'{' => {
                if let Some(b) = braces.last_mut() {
                    *b += 1;
                }
            }
            b'}' => {
                let depth = braces.last().copied().unwrap_or(0);
                if depth > 0 {
                    if let Some(b) = braces.last_mut() {
                        *b -= 1;
                    }
                } else if braces.len() > 1 {
                    // End of a `${…}` interpolation: back to the literal.
                    push(&chain);
                    chain.clear();
                    braces.pop();
                    expr = stack.pop().unwrap_or(true);
                }
            }
            _ => {
                push(&chain);
                chain.clear();
            }
        }
        i += 1;
    }
    push(&chain);
    out
}

fn address_of(chain: &[&str]) -> Option<String> {
    let first = *chain.first()?;
    if NOT_RESOURCES.contains(&first) {
        return None;
    }
    match first {
        "data" => Some(format!("{}.{}", chain.get(1)?, chain.get(2)?)),
        "module" => chain.get(1).map(|m| m.to_string()),
        // Resource types are `<provider>_<type>`; a plain name (a `for`
        // variable, a function's argument) is not a resource.
        t if t.contains('_') => Some(format!("{t}.{}", chain.get(1)?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_resource_addresses() {
        let cases: &[(&str, &[&str])] = &[
            ("aws_s3_bucket.b.id", &["aws_s3_bucket.b"]),
            ("\"${aws_s3_bucket.b.arn}/*\"", &["aws_s3_bucket.b"]),
            ("aws_instance.web[0].id", &["aws_instance.web"]),
            ("aws_instance.web[\"a\"].id", &["aws_instance.web"]),
            (
                "data.aws_iam_policy_document.p.json",
                &["aws_iam_policy_document.p"],
            ),
            ("module.vpc.vpc_id", &["vpc"]),
            ("\"arn:aws:s3:::my_bucket.logs\"", &[]),
            ("var.x == local.y ? each.value.z : count.index", &[]),
            (
                "format(\"%s-${aws_kms_key.k.arn}\", var.env, aws_kms_key.k.id)",
                &["aws_kms_key.k"],
            ),
            (
                "[for s in aws_subnet.private : s.id]",
                &["aws_subnet.private"],
            ),
            (
                "<<EOF\n{\"Resource\": \"${aws_s3_bucket.b.arn}\"}\nEOF",
                &["aws_s3_bucket.b"],
            ),
            ("\"$${not_a.ref}\"", &[]),
            (
                "merge(var.tags, { Name = \"${aws_vpc.this[0].id}-x\" })",
                &["aws_vpc.this"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(referenced_addresses(text), *want, "{text}");
        }
    }

    #[test]
    fn odd_text_does_not_panic() {
        for t in [
            "",
            "\"",
            "${",
            "}}}",
            "a.[",
            "<<",
            "\"\\",
            "a[",
            "é.ü_x.y",
            "\"${\"${a_b.c}\"}\"",
        ] {
            let _ = referenced_addresses(t);
        }
        assert_eq!(referenced_addresses("\"${\"${a_b.c}\"}\""), ["a_b.c"]);
    }
}
