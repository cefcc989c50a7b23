//! Native Dockerfile checks: the rules under `rules/docker/` that look
//! inside shell commands, compare stages, or need the order of
//! instructions — what an attribute condition cannot say.
//!
//! The Dockerfile resource (see `archgate_iac::dockerfile`) carries every
//! instruction with its span, its raw `value`, its shell words (`args`), its
//! stage, and any heredoc bodies. `RUN` commands are split here into simple
//! commands (on `&&`, `||`, `;`, `|`, `&` and newlines, outside quotes) so a
//! rule can ask "which program runs, with which options, fed by what pipe".
//! Each finding points at the instruction's first line.
//!
//! Not for: parsing Dockerfiles (archgate-iac) or building images; variables
//! other than global `ARG` defaults in `FROM` are not expanded, and a value
//! still holding `$` is treated as unknown where it matters.

use super::{CheckFn, Context, Hit};
use archgate_core::{Node, Span};
use archgate_iac::Resource;

/// The native Dockerfile checks, by rule id.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("AG-DOCKER-ADD-001", add_instead_of_copy),
    ("AG-DOCKER-IMG-001", base_image_mutable_tag),
    ("AG-DOCKER-IMG-002", base_image_without_digest),
    ("AG-DOCKER-USER-001", last_user_root),
    ("AG-DOCKER-USER-002", final_stage_without_user),
    ("AG-DOCKER-RUN-001", apt_used),
    ("AG-DOCKER-RUN-002", update_alone),
    ("AG-DOCKER-RUN-003", sudo_used),
    ("AG-DOCKER-RUN-004", remote_script_piped_to_shell),
    ("AG-DOCKER-RUN-005", tls_verification_disabled_in_run),
    ("AG-DOCKER-RUN-006", package_signatures_skipped),
    ("AG-DOCKER-RUN-007", chpasswd_used),
    ("AG-DOCKER-ENV-001", tls_verification_disabled_in_env),
    ("AG-DOCKER-ENV-002", secret_in_env_or_arg),
    ("AG-DOCKER-PORT-001", ssh_port_exposed),
    ("AG-DOCKER-WORKDIR-001", relative_workdir),
    ("AG-DOCKER-STAGE-001", duplicate_stage_names),
    ("AG-DOCKER-META-001", maintainer_used),
    ("AG-DOCKER-PKG-001", apk_without_no_cache),
    ("AG-DOCKER-PKG-002", apt_get_install_interactive),
    ("AG-DOCKER-PKG-003", apt_get_install_recommends),
    ("AG-DOCKER-PKG-004", rpm_cache_not_cleaned),
    ("AG-DOCKER-STAGE-002", overridden_instructions),
    ("AG-DOCKER-STAGE-003", copy_from_own_stage),
];

// ---------------------------------------------------------------------------
// Reading the resource
// ---------------------------------------------------------------------------

/// One instruction of the file.
#[derive(Debug, Clone, Copy)]
struct Instr<'a> {
    node: &'a Node,
    /// Upper-cased keyword.
    name: &'a str,
    /// Everything after the keyword, continuations joined.
    value: &'a str,
    /// Index of its stage, `None` before the first `FROM`.
    stage: Option<usize>,
}

impl<'a> Instr<'a> {
    /// Words of the instruction (exec items, or shell words without quotes).
    fn args(&self) -> Vec<&'a str> {
        self.node
            .get("args")
            .and_then(Node::as_seq)
            .map(|items| items.iter().filter_map(Node::as_str).collect())
            .unwrap_or_default()
    }

    /// The shell text a `RUN` executes: the command line and any heredoc bodies.
    fn script(&self) -> String {
        let mut s = match self.node.get("form").and_then(Node::as_str) {
            Some("exec") => self.args().join(" "),
            _ => self.value.to_string(),
        };
        for h in self
            .node
            .get("heredocs")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            if let Some(body) = h.get("body").and_then(Node::as_str) {
                s.push('\n');
                s.push_str(body);
            }
        }
        s
    }

    fn span(&self) -> Span {
        self.node.span
    }
}

fn instructions(r: &Resource) -> Vec<Instr<'_>> {
    if r.kind != "dockerfile" {
        return Vec::new();
    }
    r.body
        .get("instructions")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|node| {
            Some(Instr {
                node,
                name: node.get("instruction").and_then(Node::as_str)?,
                value: node.get("value").and_then(Node::as_str).unwrap_or(""),
                stage: node
                    .get("stage")
                    .and_then(Node::as_i64)
                    .and_then(|s| usize::try_from(s).ok()),
            })
        })
        .collect()
}

fn stages(r: &Resource) -> &[Node] {
    r.body.get("stages").and_then(Node::as_seq).unwrap_or(&[])
}

fn hit(span: Span, message: String, key: impl Into<String>) -> Hit {
    Hit {
        span,
        message,
        key: key.into(),
    }
}

/// A key for an instruction that stays stable when lines move: keyword and
/// its position among instructions of that keyword.
fn instr_key(all: &[Instr], i: &Instr) -> String {
    let n = all
        .iter()
        .filter(|o| o.name == i.name)
        .position(|o| std::ptr::eq(o.node, i.node))
        .unwrap_or(0);
    format!("{}[{n}]", i.name)
}

/// Runs `f` on every instruction named `name`, one hit per instruction.
fn each(r: &Resource, name: &str, f: impl Fn(&Instr) -> Option<String>) -> Vec<Hit> {
    let all = instructions(r);
    all.iter()
        .filter(|i| i.name == name)
        .filter_map(|i| f(i).map(|m| hit(i.span(), m, instr_key(&all, i))))
        .collect()
}

// ---------------------------------------------------------------------------
// Shell commands
// ---------------------------------------------------------------------------

/// One simple command of a shell script.
#[derive(Debug, PartialEq)]
pub struct Command {
    /// Its words, quotes removed, leading `VAR=value` assignments dropped.
    pub words: Vec<String>,
    /// True when its standard input is the previous command's output (`a | b`).
    pub piped: bool,
}

impl Command {
    /// The program run, looking through `sudo`, `env` and similar wrappers.
    pub fn program(&self) -> Option<&str> {
        self.effective().first().map(String::as_str)
    }

    /// Words after wrappers such as `sudo -E`, `env A=b`, `nohup`, `time`.
    pub fn effective(&self) -> &[String] {
        let mut w = &self.words[..];
        loop {
            match w.first().map(String::as_str) {
                Some("sudo") | Some("env") | Some("nohup") | Some("time") | Some("exec")
                | Some("command") => {
                    w = &w[1..];
                    while w
                        .first()
                        .is_some_and(|x| x.starts_with('-') || is_assignment(x))
                    {
                        w = &w[1..];
                    }
                }
                _ => return w,
            }
        }
    }

    /// True when a word equals `flag`, or (for `-x` short flags) a bundle of
    /// short flags contains its letter.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.words.iter().any(|w| {
            if w == flag || w.starts_with(&format!("{flag}=")) {
                return true;
            }
            match (flag.strip_prefix('-'), w.strip_prefix('-')) {
                (Some(f), Some(bundle)) if f.len() == 1 && !bundle.starts_with('-') => {
                    bundle.chars().all(|c| c.is_ascii_alphanumeric()) && bundle.contains(f)
                }
                _ => false,
            }
        })
    }
}

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Splits a shell script into simple commands. Not a full shell parser:
/// quotes and backslash escapes are honoured, subshells and `$(…)` are
/// read as plain words, which is enough to name programs and flags.
pub fn commands(script: &str) -> Vec<Command> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut piped = false;
    let mut quote: Option<char> = None;
    let mut chars = script.chars().peekable();
    let mut finish = |words: &mut Vec<String>, piped_next: bool, piped: &mut bool| {
        let mut ws = std::mem::take(words);
        let skip = ws.iter().take_while(|w| is_assignment(w)).count();
        ws.drain(..skip);
        if !ws.is_empty() {
            out.push(Command {
                words: ws,
                piped: *piped,
            });
        }
        *piped = piped_next;
    };
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            } else {
                word.push(c);
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                in_word = true;
            }
            '\\' => {
                // A backslash-newline is a continuation; otherwise it escapes.
                match chars.next() {
                    Some('\n') | None => {}
                    Some(n) => {
                        word.push(n);
                        in_word = true;
                    }
                }
            }
            '#' if !in_word => {
                // A comment runs to the end of the line.
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
                finish(&mut words, false, &mut piped);
            }
            ' ' | '\t' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\n' | ';' | '&' | '|' | '(' | ')' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
                let doubled = matches!(c, '&' | '|') && chars.peek() == Some(&c);
                if doubled {
                    chars.next();
                }
                finish(&mut words, c == '|' && !doubled, &mut piped);
            }
            _ => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    finish(&mut words, false, &mut piped);
    out
}

/// The simple commands of every `RUN`, with the instruction.
fn run_commands<'a>(r: &'a Resource) -> Vec<(Instr<'a>, Vec<Command>)> {
    instructions(r)
        .into_iter()
        .filter(|i| i.name == "RUN")
        .map(|i| {
            let cmds = commands(&i.script());
            (i, cmds)
        })
        .collect()
}

/// One hit per `RUN` for which `f` returns a message.
fn each_run(r: &Resource, f: impl Fn(&[Command]) -> Option<String>) -> Vec<Hit> {
    let all = instructions(r);
    run_commands(r)
        .iter()
        .filter_map(|(i, cmds)| f(cmds).map(|m| hit(i.span(), m, instr_key(&all, i))))
        .collect()
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

/// Local archives `ADD` unpacks: the one thing `COPY` cannot do.
fn is_local_archive(src: &str) -> bool {
    let s = src.to_ascii_lowercase();
    !s.contains("://")
        && [
            ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
        ]
        .iter()
        .any(|ext| s.ends_with(ext))
}

fn add_instead_of_copy(r: &Resource, _: &Context) -> Vec<Hit> {
    each(r, "ADD", |i| {
        let args = i.args();
        let words: Vec<&str> = args
            .iter()
            .copied()
            .filter(|a| !a.starts_with("--"))
            .collect();
        let sources = words.split_last().map(|(_, s)| s).unwrap_or(&[]);
        if !sources.is_empty() && sources.iter().all(|s| is_local_archive(s)) {
            return None;
        }
        let remote = sources
            .iter()
            .any(|s| s.contains("://") || s.starts_with("git@"));
        Some(if remote {
            "ADD downloads a remote source; fetch it with a verified download in RUN, or use COPY"
                .to_string()
        } else {
            "ADD is used where COPY would do".to_string()
        })
    })
}

/// A stage's base image as written, its tag and digest, and the index of
/// its FROM among the instructions.
struct Stage<'a> {
    base: &'a str,
    tag: Option<&'a str>,
    digest: Option<&'a str>,
    instruction: Option<usize>,
}

fn stage_list(r: &Resource) -> Vec<Stage<'_>> {
    stages(r)
        .iter()
        .map(|s| Stage {
            base: s.get("base").and_then(Node::as_str).unwrap_or(""),
            tag: s.get("tag").and_then(Node::as_str),
            digest: s.get("digest").and_then(Node::as_str),
            instruction: s
                .get("instruction")
                .and_then(Node::as_i64)
                .and_then(|i| usize::try_from(i).ok()),
        })
        .collect()
}

/// Names (lower-cased) given with `AS` to the stages before stage `idx`.
fn earlier_stage_names(r: &Resource, idx: usize) -> Vec<String> {
    stages(r)
        .iter()
        .take(idx)
        .filter_map(|s| s.get("name").and_then(Node::as_str))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The stages whose base is an external image (not `scratch`, not an
/// earlier stage, not an unresolved `$VARIABLE`), with their FROM.
fn external_bases<'a>(r: &'a Resource) -> Vec<(Stage<'a>, Instr<'a>)> {
    let all = instructions(r);
    let mut out = Vec::new();
    for (idx, st) in stage_list(r).into_iter().enumerate() {
        let base = st.base.to_ascii_lowercase();
        if base.is_empty() || base == "scratch" || st.base.contains('$') {
            continue;
        }
        // A stage may only build on stages declared before it.
        if earlier_stage_names(r, idx).contains(&base) {
            continue;
        }
        let Some(from) = st.instruction.and_then(|i| all.get(i)).copied() else {
            continue;
        };
        out.push((st, from));
    }
    out
}

fn base_image_mutable_tag(r: &Resource, _: &Context) -> Vec<Hit> {
    external_bases(r)
        .into_iter()
        .filter(|(st, _)| st.digest.is_none() && st.tag.is_none_or(|t| t == "latest"))
        .enumerate()
        .map(|(n, (st, from))| {
            hit(
                from.span(),
                format!(
                    "base image {} has no fixed version (tag latest or none)",
                    st.base
                ),
                format!("FROM[{n}]"),
            )
        })
        .collect()
}

fn base_image_without_digest(r: &Resource, _: &Context) -> Vec<Hit> {
    external_bases(r)
        .into_iter()
        .filter(|(st, _)| st.digest.is_none())
        .enumerate()
        .map(|(n, (st, from))| {
            hit(
                from.span(),
                format!("base image {} is not pinned by digest", st.base),
                format!("FROM[{n}]"),
            )
        })
        .collect()
}

/// The user part of a `USER user[:group]` value.
fn user_of(value: &str) -> &str {
    let v = value.trim();
    v.split(':').next().unwrap_or(v).trim()
}

fn is_root(user: &str) -> bool {
    user == "root" || user == "0"
}

fn last_stage(r: &Resource) -> Option<usize> {
    stages(r).len().checked_sub(1)
}

fn last_user_root(r: &Resource, _: &Context) -> Vec<Hit> {
    let all = instructions(r);
    let Some(last) = last_stage(r) else {
        return Vec::new();
    };
    let Some(user) = all
        .iter()
        .rfind(|i| i.name == "USER" && i.stage == Some(last))
    else {
        return Vec::new();
    };
    let u = user_of(user.value);
    if !is_root(u) {
        return Vec::new();
    }
    vec![hit(
        user.span(),
        format!("the final stage's last USER is {u}: the container runs as root"),
        instr_key(&all, user),
    )]
}

fn final_stage_without_user(r: &Resource, _: &Context) -> Vec<Hit> {
    let all = instructions(r);
    let Some(last) = last_stage(r) else {
        return Vec::new();
    };
    // A file with no USER at all is AG-DOCKER-002's finding; this rule is
    // about multi-stage builds that drop the user in the final stage.
    let any_user = all.iter().any(|i| i.name == "USER");
    let final_user = all
        .iter()
        .any(|i| i.name == "USER" && i.stage == Some(last));
    if !any_user || final_user {
        return Vec::new();
    }
    // USER is inherited from a stage the final stage builds on.
    let finals = stage_list(r);
    if let Some(st) = finals.get(last) {
        if earlier_stage_names(r, last).contains(&st.base.to_ascii_lowercase()) {
            return Vec::new();
        }
    }
    let Some(from) = finals
        .get(last)
        .and_then(|s| s.instruction)
        .and_then(|i| all.get(i))
    else {
        return Vec::new();
    };
    vec![hit(
        from.span(),
        "the final stage sets no USER, so the image runs as its base image's user (usually root)"
            .to_string(),
        "final-stage",
    )]
}

fn apt_used(r: &Resource, _: &Context) -> Vec<Hit> {
    each_run(r, |cmds| {
        cmds.iter().any(|c| c.program() == Some("apt")).then(|| {
            "RUN uses apt, whose command-line interface is not stable for scripts; use apt-get"
                .to_string()
        })
    })
}

/// Package managers and the subcommands that refresh their index, and
/// those that install from it.
const UPDATE_AND_INSTALL: &[(&str, &[&str], &[&str])] = &[
    (
        "apt-get",
        &["update"],
        &[
            "install",
            "upgrade",
            "dist-upgrade",
            "build-dep",
            "source",
            "reinstall",
        ],
    ),
    (
        "apt",
        &["update"],
        &["install", "upgrade", "full-upgrade", "reinstall"],
    ),
    ("apk", &["update"], &["add", "upgrade"]),
    (
        "yum",
        &["makecache"],
        &[
            "install",
            "update",
            "upgrade",
            "groupinstall",
            "localinstall",
            "reinstall",
        ],
    ),
    ("dnf", &["makecache"], &["install", "upgrade", "reinstall"]),
    (
        "zypper",
        &["refresh", "ref"],
        &["install", "in", "update", "up", "patch"],
    ),
];

fn update_alone(r: &Resource, _: &Context) -> Vec<Hit> {
    each_run(r, |cmds| {
        let mut alone = None;
        for (pm, updates, installs) in UPDATE_AND_INSTALL {
            let sub = |c: &Command| {
                let w = c.effective();
                (w.first().map(String::as_str) == Some(*pm))
                    .then(|| w.iter().skip(1).find(|x| !x.starts_with('-')).cloned())
                    .flatten()
            };
            let updated = cmds
                .iter()
                .any(|c| sub(c).is_some_and(|s| updates.contains(&s.as_str())));
            let installed = cmds
                .iter()
                .any(|c| sub(c).is_some_and(|s| installs.contains(&s.as_str())));
            if updated && !installed {
                alone = Some(*pm);
            }
        }
        alone.map(|pm| {
            format!(
                "RUN refreshes the {pm} package index without installing in the same layer; the cached index goes stale"
            )
        })
    })
}

fn sudo_used(r: &Resource, _: &Context) -> Vec<Hit> {
    each_run(r, |cmds| {
        cmds.iter()
            .any(|c| c.words.first().map(String::as_str) == Some("sudo"))
            .then(|| "RUN uses sudo; build steps already run as the current USER".to_string())
    })
}

const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ash", "ksh", "python", "python3", "perl", "ruby", "node",
];

fn remote_script_piped_to_shell(r: &Resource, _: &Context) -> Vec<Hit> {
    each_run(r, |cmds| {
        cmds.windows(2).find_map(|pair| {
            let (src, dst) = (&pair[0], &pair[1]);
            let fetch = matches!(src.program(), Some("curl") | Some("wget"));
            let shell = dst.piped
                && dst
                    .program()
                    .is_some_and(|p| SHELLS.contains(&p.rsplit('/').next().unwrap_or(p)));
            (fetch && shell).then(|| {
                format!(
                    "RUN pipes a download from {} straight into {}; the script is neither pinned nor verified",
                    src.program().unwrap_or("?"),
                    dst.program().unwrap_or("?")
                )
            })
        })
    })
}

/// How one command disables TLS certificate verification, if it does.
fn tls_disabled(c: &Command) -> Option<&'static str> {
    let w = c.effective();
    let prog = w.first().map(String::as_str)?;
    let has = |flag: &str| c.has_flag(flag);
    match prog {
        "curl" if has("--insecure") || has("-k") => Some("curl --insecure"),
        "wget" if has("--no-check-certificate") => Some("wget --no-check-certificate"),
        "pip" | "pip3" if has("--trusted-host") => Some("pip --trusted-host"),
        "python" | "python3" if w.iter().any(|x| x == "pip") && has("--trusted-host") => {
            Some("pip --trusted-host")
        }
        "npm" | "yarn" | "pnpm"
            if w.windows(2)
                .any(|p| p[0] == "strict-ssl" && p[1] == "false")
                || w.iter().any(|x| x == "strict-ssl=false")
                || w.iter().any(|x| x == "--strict-ssl=false") =>
        {
            Some("npm/yarn strict-ssl false")
        }
        "git"
            if w.windows(2)
                .any(|p| p[0] == "http.sslVerify" && p[1].eq_ignore_ascii_case("false"))
                || w.iter()
                    .any(|x| x.eq_ignore_ascii_case("http.sslverify=false")) =>
        {
            Some("git http.sslVerify false")
        }
        "yum-config-manager" | "dnf" | "yum"
            if w.iter().any(|x| {
                x.replace(' ', "").eq_ignore_ascii_case("sslverify=0")
                    || x.replace(' ', "").eq_ignore_ascii_case("sslverify=false")
            }) =>
        {
            Some("yum/dnf sslverify=0")
        }
        _ => None,
    }
}

fn tls_verification_disabled_in_run(r: &Resource, _: &Context) -> Vec<Hit> {
    each_run(r, |cmds| {
        cmds.iter().find_map(tls_disabled).map(|how| {
            format!(
                "RUN disables TLS certificate verification ({how}); downloads can be tampered with"
            )
        })
    })
}

fn signatures_skipped(c: &Command) -> Option<&'static str> {
    let prog = c.program()?;
    let has = |flag: &str| c.has_flag(flag);
    match prog {
        "apk" if has("--allow-untrusted") => Some("apk --allow-untrusted"),
        "apt-get" | "apt" if has("--allow-unauthenticated") => {
            Some("apt-get --allow-unauthenticated")
        }
        "apt-get" | "apt" if has("--force-yes") => Some("apt-get --force-yes"),
        "yum" | "dnf" | "tdnf" | "microdnf" if has("--nogpgcheck") => Some("--nogpgcheck"),
        "rpm"
            if [
                "--nosignature",
                "--nodigest",
                "--noverify",
                "--nofiledigest",
            ]
            .iter()
            .any(|f| has(f)) =>
        {
            Some("rpm without signature or digest checks")
        }
        _ => None,
    }
}

fn package_signatures_skipped(r: &Resource, _: &Context) -> Vec<Hit> {
    each_run(r, |cmds| {
        cmds.iter()
            .find_map(signatures_skipped)
            .map(|how| format!("RUN installs packages without verifying their signatures ({how})"))
    })
}

fn chpasswd_used(r: &Resource, _: &Context) -> Vec<Hit> {
    each_run(r, |cmds| {
        cmds.iter().any(|c| c.program() == Some("chpasswd")).then(|| {
            "RUN sets a password with chpasswd; the password is baked into the image and its history"
                .to_string()
        })
    })
}

/// `ENV`/`ARG` assignments of an instruction: `(name, value)`, value `None`
/// for an `ARG` without default. Handles `ENV A=b C=d` and legacy `ENV A b`.
fn assignments(i: &Instr) -> Vec<(String, Option<String>)> {
    let args = i.args();
    if i.name == "ENV" && args.len() >= 2 && !args[0].contains('=') {
        return vec![(args[0].to_string(), Some(args[1..].join(" ")))];
    }
    args.iter()
        .map(|a| match a.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (a.to_string(), None),
        })
        .collect()
}

/// Environment variables that turn TLS verification off, and the values that do.
fn env_disables_tls(name: &str, value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    match name.to_ascii_uppercase().as_str() {
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" => v == "0",
        "NPM_CONFIG_STRICT_SSL" | "YARN_STRICT_SSL" => v == "false" || v == "0",
        // Any value, even an empty one, disables verification for git.
        "GIT_SSL_NO_VERIFY" => true,
        "PIP_TRUSTED_HOST" => !v.is_empty(),
        "CURL_INSECURE" => v == "1" || v == "true",
        _ => false,
    }
}

fn tls_verification_disabled_in_env(r: &Resource, _: &Context) -> Vec<Hit> {
    let all = instructions(r);
    all.iter()
        .filter(|i| i.name == "ENV")
        .filter_map(|i| {
            let bad: Vec<String> = assignments(i)
                .into_iter()
                .filter(|(k, v)| env_disables_tls(k, v.as_deref().unwrap_or("")))
                .map(|(k, _)| k)
                .collect();
            (!bad.is_empty()).then(|| {
                hit(
                    i.span(),
                    format!(
                        "ENV {} disables TLS certificate verification for every process in the image",
                        bad.join(", ")
                    ),
                    instr_key(&all, i),
                )
            })
        })
        .collect()
}

/// Name parts that mark a variable as a credential.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "AUTH_KEY",
];

/// Name parts that mark a variable as pointing at a secret, not holding one.
const NOT_SECRET: &[&str] = &[
    "_FILE",
    "_PATH",
    "_DIR",
    "_URL",
    "_ENDPOINT",
    "_NAME",
    "_ID",
];

fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| n.contains(w)) && !NOT_SECRET.iter().any(|w| n.ends_with(w))
}

fn secret_in_env_or_arg(r: &Resource, _: &Context) -> Vec<Hit> {
    let all = instructions(r);
    all.iter()
        .filter(|i| i.name == "ENV" || i.name == "ARG")
        .filter_map(|i| {
            let names: Vec<String> = assignments(i)
                .into_iter()
                .filter(|(k, v)| {
                    secret_name(k)
                        && match (i.name, v.as_deref()) {
                            // A build argument named like a secret is recorded in
                            // the image history whether or not it has a default.
                            ("ARG", _) => true,
                            // ENV from a build argument or empty placeholder is not a literal.
                            (_, Some(v)) => !v.trim().is_empty() && !v.trim().starts_with('$'),
                            (_, None) => false,
                        }
                })
                .map(|(k, _)| k)
                .collect();
            (!names.is_empty()).then(|| {
                hit(
                    i.span(),
                    format!(
                        "{} {} passes a credential through the image; it stays readable in the image config and history",
                        i.name,
                        names.join(", ")
                    ),
                    instr_key(&all, i),
                )
            })
        })
        .collect()
}

fn ssh_port_exposed(r: &Resource, _: &Context) -> Vec<Hit> {
    each(r, "EXPOSE", |i| {
        i.args()
            .iter()
            .any(|p| {
                let port = p.split('/').next().unwrap_or(p);
                port == "22"
                    || port
                        .split_once('-')
                        .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)))
                        .is_some_and(|(a, b)| a <= 22 && 22 <= b)
            })
            .then(|| "EXPOSE publishes port 22 (SSH)".to_string())
    })
}

fn relative_workdir(r: &Resource, _: &Context) -> Vec<Hit> {
    each(r, "WORKDIR", |i| {
        let path = i.args().first().copied().unwrap_or(i.value).trim();
        let absolute = path.starts_with('/')
            || path.starts_with('$')
            // Windows drive paths (C:\app, C:/app).
            || path
                .as_bytes()
                .get(1..3)
                .is_some_and(|b| b[0] == b':' && (b[1] == b'\\' || b[1] == b'/'));
        (!absolute && !path.is_empty())
            .then(|| format!("WORKDIR {path} is relative; it depends on every WORKDIR before it"))
    })
}

fn duplicate_stage_names(r: &Resource, _: &Context) -> Vec<Hit> {
    let all = instructions(r);
    let mut seen: Vec<String> = Vec::new();
    let mut hits = Vec::new();
    for st in stages(r) {
        let Some(name) = st.get("name").and_then(Node::as_str) else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        if seen.contains(&lower) {
            if let Some(from) = st
                .get("instruction")
                .and_then(Node::as_i64)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| all.get(i))
            {
                hits.push(hit(
                    from.span(),
                    format!("stage name {name} is used by an earlier FROM"),
                    format!("stage.{lower}"),
                ));
            }
        } else {
            seen.push(lower);
        }
    }
    hits
}

fn maintainer_used(r: &Resource, _: &Context) -> Vec<Hit> {
    each(r, "MAINTAINER", |_| {
        Some("MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors".to_string())
    })
}

/// The subcommand of a package manager call (first word after the program
/// that is not an option), lower-cased.
fn subcommand(c: &Command) -> Option<&str> {
    c.effective()
        .iter()
        .skip(1)
        .find(|w| !w.starts_with('-'))
        .map(String::as_str)
}

fn apk_without_no_cache(r: &Resource, _: &Context) -> Vec<Hit> {
    each_run(r, |cmds| {
        let cleaned = cmds.iter().any(|c| {
            c.program() == Some("rm") && c.words.iter().any(|w| w.contains("/var/cache/apk"))
        });
        let bad = cmds.iter().any(|c| {
            c.program() == Some("apk") && subcommand(c) == Some("add") && !c.has_flag("--no-cache")
        });
        (bad && !cleaned)
            .then(|| "apk add without --no-cache leaves the package index in the layer".to_string())
    })
}

fn apt_get_install(c: &Command) -> bool {
    c.program() == Some("apt-get") && subcommand(c) == Some("install")
}

fn apt_get_install_interactive(r: &Resource, _: &Context) -> Vec<Hit> {
    each_run(r, |cmds| {
        cmds.iter()
            .any(|c| {
                apt_get_install(c)
                    && !(c.has_flag("-y")
                        || c.has_flag("--yes")
                        || c.has_flag("--assume-yes")
                        || c.has_flag("-qq"))
            })
            .then(|| {
                "apt-get install without -y waits for a confirmation no one can give in a build"
                    .to_string()
            })
    })
}

fn apt_get_install_recommends(r: &Resource, _: &Context) -> Vec<Hit> {
    each_run(r, |cmds| {
        cmds.iter()
            .any(|c| apt_get_install(c) && !c.has_flag("--no-install-recommends"))
            .then(|| {
                "apt-get install without --no-install-recommends pulls in packages nobody asked for"
                    .to_string()
            })
    })
}

/// The RPM-based package managers and the command that empties their cache.
const RPM_MANAGERS: &[(&str, &[&str], &str)] = &[
    (
        "yum",
        &["install", "groupinstall", "localinstall"],
        "yum clean all",
    ),
    ("dnf", &["install", "groupinstall"], "dnf clean all"),
    ("microdnf", &["install"], "microdnf clean all"),
    ("tdnf", &["install"], "tdnf clean all"),
    ("zypper", &["install", "in"], "zypper clean"),
];

fn rpm_cache_not_cleaned(r: &Resource, _: &Context) -> Vec<Hit> {
    each_run(r, |cmds| {
        for (pm, installs, clean) in RPM_MANAGERS {
            let installs_here = cmds.iter().any(|c| {
                c.program() == Some(*pm) && subcommand(c).is_some_and(|s| installs.contains(&s))
            });
            let cleans = cmds.iter().any(|c| {
                (c.program() == Some(*pm) && matches!(subcommand(c), Some("clean") | Some("cc")))
                    || (c.program() == Some("rm")
                        && c.words.iter().any(|w| w.contains("/var/cache/")))
            });
            if installs_here && !cleans {
                return Some(format!(
                    "{pm} installs packages without `{clean}` in the same RUN; the cache stays in the layer"
                ));
            }
        }
        None
    })
}

fn overridden_instructions(r: &Resource, _: &Context) -> Vec<Hit> {
    let all = instructions(r);
    let mut hits = Vec::new();
    for name in ["CMD", "ENTRYPOINT", "HEALTHCHECK"] {
        let in_stage: Vec<&Instr> = all.iter().filter(|i| i.name == name).collect();
        for (n, i) in in_stage.iter().enumerate() {
            let later = in_stage[n + 1..].iter().find(|o| o.stage == i.stage);
            if let Some(later) = later {
                hits.push(hit(
                    i.span(),
                    format!(
                        "{name} is overridden by the {name} on line {} of the same stage; only the last one takes effect",
                        later.span().line
                    ),
                    instr_key(&all, i),
                ));
            }
        }
    }
    hits
}

fn copy_from_own_stage(r: &Resource, _: &Context) -> Vec<Hit> {
    let all = instructions(r);
    let names: Vec<Option<String>> = stages(r)
        .iter()
        .map(|s| {
            s.get("name")
                .and_then(Node::as_str)
                .map(str::to_ascii_lowercase)
        })
        .collect();
    all.iter()
        .filter(|i| i.name == "COPY")
        .filter_map(|i| {
            let stage = i.stage?;
            let from = i
                .node
                .get("flags")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::as_str)
                .find_map(|f| f.strip_prefix("--from="))?
                .to_ascii_lowercase();
            let own_name = names.get(stage).cloned().flatten();
            let own = own_name.as_deref() == Some(from.as_str()) || from == stage.to_string();
            own.then(|| {
                hit(
                    i.span(),
                    format!("COPY --from={from} refers to the stage it is in"),
                    instr_key(&all, i),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_iac::ParsedUnit;

    fn lines(check: CheckFn, text: &str) -> Vec<u32> {
        let (r, errors) = archgate_iac::dockerfile::parse("Dockerfile", text);
        assert!(errors.is_empty(), "{errors:?}");
        let unit = ParsedUnit {
            resources: r.into_iter().collect(),
            ..ParsedUnit::default()
        };
        let ctx = Context::new(&unit);
        unit.resources
            .iter()
            .flat_map(|r| check(r, &ctx))
            .map(|h| h.span.line)
            .collect()
    }

    #[test]
    fn splits_shell_commands_and_pipes() {
        let cmds = commands("A=1 sudo -E apt-get update && curl -fsSL 'https://x | y' | bash -s; echo \"a b\" # c | sh");
        let words: Vec<Vec<&str>> = cmds
            .iter()
            .map(|c| c.words.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            words,
            vec![
                vec!["sudo", "-E", "apt-get", "update"],
                vec!["curl", "-fsSL", "https://x | y"],
                vec!["bash", "-s"],
                vec!["echo", "a b"],
            ]
        );
        assert_eq!(cmds[0].program(), Some("apt-get"));
        assert!(cmds[2].piped && !cmds[1].piped && !cmds[3].piped);
    }

    #[test]
    fn short_flag_bundles() {
        let c = &commands("curl -fsSLk https://x")[0];
        assert!(c.has_flag("-k"));
        assert!(!commands("curl --keepalive-time 3 x")[0].has_flag("-k"));
    }

    #[test]
    fn stage_references_are_not_base_images() {
        let text = "FROM golang:1.22 AS build\nRUN go build\nFROM build AS test\nFROM scratch\nFROM alpine\n";
        assert_eq!(lines(base_image_mutable_tag, text), vec![5]);
        assert_eq!(lines(base_image_without_digest, text), vec![1, 5]);
    }

    #[test]
    fn last_user_of_the_final_stage() {
        let text = "FROM a:1 AS b\nUSER app\nFROM c:1\nUSER app\nUSER root\n";
        assert_eq!(lines(last_user_root, text), vec![5]);
        let text = "FROM a:1 AS b\nUSER app\nFROM c:1\nCOPY --from=b /x /x\n";
        assert_eq!(lines(final_stage_without_user, text), vec![3]);
        assert!(lines(final_stage_without_user, "FROM a:1\nRUN x\n").is_empty());
    }

    #[test]
    fn update_must_install_in_the_same_run() {
        let text = "FROM a:1\nRUN apt-get update\nRUN apt-get install -y curl\nRUN apk update && apk add --no-cache git\n";
        assert_eq!(lines(update_alone, text), vec![2]);
    }

    #[test]
    fn secrets_in_env_and_arg() {
        let text = "FROM a:1\nARG NPM_TOKEN\nENV DB_PASSWORD=hunter2 LOG=1\nENV DB_PASSWORD_FILE=/run/secrets/db\nENV API_KEY=$API_KEY\n";
        assert_eq!(lines(secret_in_env_or_arg, text), vec![2, 3]);
    }
}
