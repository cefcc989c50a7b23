//! Property tests: no input makes a parser or matcher of this crate panic.

use archgate_policy::input::{parse, Parser};
use proptest::prelude::*;

fn parsers() -> impl Strategy<Value = Parser> {
    prop_oneof![
        Just(Parser::Yaml),
        Just(Parser::Json),
        Just(Parser::Hcl2),
        Just(Parser::Dockerfile),
        Just(Parser::Dotenv),
        Just(Parser::Ignore),
        Just(Parser::Toml),
        Just(Parser::Ini),
        Just(Parser::Xml),
        Just(Parser::Properties),
        Just(Parser::Groovy),
        Just(Parser::Nginx),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn input_parsers_never_panic(p in parsers(), text in "(?s).{0,300}") {
        let _ = parse(p, "f", &text);
    }

    #[test]
    fn config_like_text_never_panics(p in parsers(), text in "([a-zA-Z_=:\\[\\]{}\"'\\\\#$ \\n-]|FROM |RUN |resource |\\$\\{|---){0,80}") {
        let _ = parse(p, "f", &text);
    }

    #[test]
    fn markup_like_text_never_panics(p in parsers(), text in "(<a>|</a>|<b x=\"1\"/>|<!--|-->|<\\?xml version=\"1.0\"\\?>|<<EOF\\n|EOF\\n|RUN |\\[\\[t\\]\\]\\n|k = |\\\\u00|\\\\\\n|[0-9.]{1,4}|\\n){0,40}") {
        let _ = parse(p, "f", &text);
        let _ = archgate_policy::dockerfile::to_trivy(&text, "f");
    }

    #[test]
    fn groovy_and_nginx_like_text_never_panics(text in "(pipeline |sh |def |\\{|\\}|\\(|\\)|\\[|\\]|'x'|\"a\\$\\{|\\$/|/\\$|/|\\$x|->|:|,|;|=|\\?|\\.|\\n|#|\"|'''|\\\\|[a-z0-9 ]{1,3}|_by_lua_block |@|new |if |else |class A ){0,60}") {
        let _ = parse(Parser::Groovy, "Jenkinsfile", &text);
        let _ = parse(Parser::Nginx, "nginx.conf", &text);
    }

    #[test]
    fn annotations_never_panic(text in "(# METADATA\\n|# [a-z]+: [a-zA-Z ]*\\n|#   [a-z]+:\\n|package p\\n|deny[a-z_]* if \\{\\}\\n|.{0,20}\\n){0,12}") {
        let _ = archgate_policy::metadata::annotations(&text);
    }

    #[test]
    fn shell_and_wildcards_never_panic(s in "(?s).{0,120}", p in "[a-z*?]{0,10}") {
        let _ = archgate_policy::builtins::shell_commands(&s);
        let _ = archgate_policy::kyverno::wildcard(&p, &s);
        let _ = archgate_policy::kyverno::quantity(&s);
    }

    #[test]
    fn kyverno_loader_never_panics(text in "(apiVersion: kyverno.io/v1\\n|kind: ClusterPolicy\\n|metadata:\\n  name: x\\n|spec:\\n|  rules:\\n|    - name: r\\n|      validate:\\n|        pattern: \\{\\}\\n|.{0,10}\\n){0,10}") {
        let _ = archgate_policy::kyverno::parse_policies("k.yaml", &text);
    }
}
