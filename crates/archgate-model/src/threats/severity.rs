//! Severity of a threat from likelihood × impact, on Threagile's matrix
//! (weights 1–4; product ≤1 low, ≤3 medium, ≤8 elevated, ≤12 high, else
//! critical), and the mapping of that level onto archgate's severities.
//!
//! archgate has five severities and Threagile five levels, but Threagile's
//! `elevated` band (products 4–8) is wide: 4 is "unlikely × very-high" or
//! "likely × medium", 8 is "likely × very-high". archgate splits it so that a
//! rare event does not fail CI at the default `--fail-on high`:
//!
//! | product | Threagile | archgate |
//! |---|---|---|
//! | 1 | low | low |
//! | 2–3 | medium | medium |
//! | 4 | elevated | medium |
//! | 6–8 | elevated | high |
//! | 9–12 | high | high |
//! | 16 | critical | critical |

use archgate_core::Severity;

/// How likely exploitation is (Threagile's scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Likelihood {
    Unlikely,
    Likely,
    VeryLikely,
    Frequent,
}

/// How bad exploitation would be (Threagile's scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    Low,
    Medium,
    High,
    VeryHigh,
}

/// Threagile's risk severity levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiskLevel {
    Low,
    Medium,
    Elevated,
    High,
    Critical,
}

impl Likelihood {
    pub fn weight(self) -> u8 {
        self as u8 + 1
    }
    fn from_weight(w: i8) -> Likelihood {
        match w.clamp(1, 4) {
            1 => Likelihood::Unlikely,
            2 => Likelihood::Likely,
            3 => Likelihood::VeryLikely,
            _ => Likelihood::Frequent,
        }
    }
    /// One step up or down (`steps` may be negative), clamped to the scale.
    pub fn shift(self, steps: i8) -> Likelihood {
        Likelihood::from_weight(self.weight() as i8 + steps)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Likelihood::Unlikely => "unlikely",
            Likelihood::Likely => "likely",
            Likelihood::VeryLikely => "very-likely",
            Likelihood::Frequent => "frequent",
        }
    }
}

impl Impact {
    pub fn weight(self) -> u8 {
        self as u8 + 1
    }
    fn from_weight(w: i8) -> Impact {
        match w.clamp(1, 4) {
            1 => Impact::Low,
            2 => Impact::Medium,
            3 => Impact::High,
            _ => Impact::VeryHigh,
        }
    }
    /// One step up or down (`steps` may be negative), clamped to the scale.
    pub fn shift(self, steps: i8) -> Impact {
        Impact::from_weight(self.weight() as i8 + steps)
    }
    /// The tier adjustment of `research/model.md`: +1 step for tier 1 (the
    /// most critical), −1 step for tier 4, unchanged otherwise or unknown.
    pub fn for_tier(self, tier: Option<u8>) -> Impact {
        match tier {
            Some(1) => self.shift(1),
            Some(4) => self.shift(-1),
            _ => self,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Low => "low",
            Impact::Medium => "medium",
            Impact::High => "high",
            Impact::VeryHigh => "very-high",
        }
    }
}

impl RiskLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::Elevated => "elevated",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }
}

/// Threagile's level for likelihood × impact.
pub fn level(likelihood: Likelihood, impact: Impact) -> RiskLevel {
    match likelihood.weight() * impact.weight() {
        0..=1 => RiskLevel::Low,
        2..=3 => RiskLevel::Medium,
        4..=8 => RiskLevel::Elevated,
        9..=12 => RiskLevel::High,
        _ => RiskLevel::Critical,
    }
}

/// archgate's severity and Threagile's level for likelihood × impact (see
/// the module doc for the mapping).
pub fn rate(likelihood: Likelihood, impact: Impact) -> (Severity, RiskLevel) {
    let product = likelihood.weight() * impact.weight();
    let level = level(likelihood, impact);
    let severity = match level {
        RiskLevel::Low => Severity::Low,
        RiskLevel::Medium => Severity::Medium,
        RiskLevel::Elevated if product < 6 => Severity::Medium,
        RiskLevel::Elevated | RiskLevel::High => Severity::High,
        RiskLevel::Critical => Severity::Critical,
    };
    (severity, level)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Impact as I;
    use Likelihood as L;

    #[test]
    fn threagile_matrix() {
        assert_eq!(level(L::Unlikely, I::Low), RiskLevel::Low);
        assert_eq!(level(L::Unlikely, I::High), RiskLevel::Medium);
        assert_eq!(level(L::Likely, I::Low), RiskLevel::Medium);
        assert_eq!(level(L::Likely, I::Medium), RiskLevel::Elevated);
        assert_eq!(level(L::Likely, I::VeryHigh), RiskLevel::Elevated);
        assert_eq!(level(L::VeryLikely, I::High), RiskLevel::High);
        assert_eq!(level(L::Frequent, I::High), RiskLevel::High);
        assert_eq!(level(L::Frequent, I::VeryHigh), RiskLevel::Critical);
    }

    #[test]
    fn archgate_mapping_splits_elevated() {
        assert_eq!(rate(L::Unlikely, I::Low).0, Severity::Low);
        assert_eq!(rate(L::Unlikely, I::High).0, Severity::Medium);
        // 4: a rare event with a very high impact stays medium.
        assert_eq!(rate(L::Unlikely, I::VeryHigh).0, Severity::Medium);
        assert_eq!(rate(L::Likely, I::Medium).0, Severity::Medium);
        // 6 and 8 are high.
        assert_eq!(rate(L::Likely, I::High).0, Severity::High);
        assert_eq!(rate(L::Likely, I::VeryHigh).0, Severity::High);
        assert_eq!(rate(L::VeryLikely, I::VeryHigh).0, Severity::High);
        assert_eq!(rate(L::Frequent, I::VeryHigh).0, Severity::Critical);
        // Every cell maps, and severity never decreases along either axis.
        for l in [L::Unlikely, L::Likely, L::VeryLikely, L::Frequent] {
            for (a, b) in [
                (I::Low, I::Medium),
                (I::Medium, I::High),
                (I::High, I::VeryHigh),
            ] {
                assert!(rate(l, a).0 <= rate(l, b).0);
            }
        }
    }

    #[test]
    fn steps_clamp_and_tiers_shift_impact() {
        assert_eq!(L::Frequent.shift(1), L::Frequent);
        assert_eq!(L::Unlikely.shift(-1), L::Unlikely);
        assert_eq!(L::Unlikely.shift(2), L::VeryLikely);
        assert_eq!(I::High.for_tier(Some(1)), I::VeryHigh);
        assert_eq!(I::VeryHigh.for_tier(Some(1)), I::VeryHigh);
        assert_eq!(I::Medium.for_tier(Some(2)), I::Medium);
        assert_eq!(I::Medium.for_tier(Some(4)), I::Low);
        assert_eq!(I::Low.for_tier(Some(4)), I::Low);
        assert_eq!(I::Medium.for_tier(None), I::Medium);
    }
}
