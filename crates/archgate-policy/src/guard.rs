//! Containment of engine panics. regorus 0.14.1 can panic on some inputs
//! (its `object.subset(array, [])` reaches `slice::windows(0)`; archgate's
//! engines use their own `object.subset`, see [`crate::builtins`], but
//! other panics may remain); a policy must
//! never crash archgate, so each evaluation runs under `catch_unwind` and a
//! panic becomes an evaluation error naming the rule and input. The engine
//! that panicked is discarded (callers clone a fresh one from the template).
//!
//! Panics raised inside regorus' own source are not printed by the default
//! hook (they are reported as errors instead); every other panic still is.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_engine = info
                .location()
                .is_some_and(|l| l.file().contains("regorus-"));
            if !in_engine {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into `Err`.
pub fn guard<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    install_hook();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(format!(
                "the Rego engine failed internally ({what}); this is a regorus bug"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regorus_panic_becomes_an_error() {
        let mut e = regorus::Engine::new();
        let r = guard(|| {
            e.eval_query("object.subset([1, 2], [])".into(), false)
                .map_err(|e| e.to_string())
        });
        assert!(r.is_err_and(|m| m.contains("regorus bug")));
    }
}
