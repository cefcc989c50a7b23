//! Source positions: byte ranges plus 1-based line and column, the one unit
//! every parser in archgate converts to (hcl-edit gives bytes, saphyr gives
//! chars, jsonc-parser gives bytes).

use serde::Serialize;

/// A range in one source file.
///
/// `start`/`end` are byte offsets (end exclusive); `line`/`col` and
/// `end_line`/`end_col` are 1-based, columns counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    /// A span covering from the start of `self` to the end of `other`.
    pub fn to(self, other: Span) -> Span {
        if other.end < self.start {
            return self;
        }
        Span {
            start: self.start,
            end: other.end.max(self.end),
            line: self.line,
            col: self.col,
            end_line: other.end_line,
            end_col: other.end_col,
        }
    }

    /// True when the span does not point anywhere (synthesised values).
    pub fn is_empty(&self) -> bool {
        self.line == 0
    }
}

/// Maps byte offsets of one text to line and column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Lines (0-based) holding a non-ASCII character, ascending; on every
    /// other line a character column is a byte offset. Usually empty.
    non_ascii_lines: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text.as_bytes()));
        let mut non_ascii_lines = Vec::new();
        if !text.is_ascii() {
            for (i, w) in line_starts.iter().enumerate() {
                let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
                if !text.as_bytes()[*w..end].is_ascii() {
                    non_ascii_lines.push(i as u32);
                }
            }
        }
        LineIndex {
            line_starts,
            non_ascii_lines,
        }
    }

    /// True when 0-based `line` holds only ASCII.
    fn line_is_ascii(&self, line: usize) -> bool {
        self.non_ascii_lines.is_empty()
            || self.non_ascii_lines.binary_search(&(line as u32)).is_err()
    }

    /// 1-based line and 1-based character column of a byte offset.
    pub fn locate(&self, text: &str, byte: usize) -> (u32, u32) {
        let byte = byte.min(text.len());
        let line = match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        self.position(text, byte, line)
    }

    /// [`LineIndex::locate`] for an offset known to be on 0-based line
    /// `from` or after it: a span's end is usually a few lines below its
    /// start, so the lines after `from` are stepped through first and only
    /// a far end is searched for.
    fn locate_from(&self, text: &str, byte: usize, from: usize) -> (u32, u32) {
        let byte = byte.min(text.len());
        let from = from.min(self.line_starts.len() - 1);
        let mut line = from;
        let mut steps = 0;
        while steps < 8
            && self
                .line_starts
                .get(line + 1)
                .is_some_and(|next| *next <= byte)
        {
            line += 1;
            steps += 1;
        }
        if steps == 8 {
            let rest = &self.line_starts[line..];
            line += match rest.binary_search(&byte) {
                Ok(i) => i,
                Err(i) => i - 1,
            };
        }
        self.position(text, byte, line)
    }

    /// 1-based line and column of `byte`, which is on 0-based `line`.
    fn position(&self, text: &str, byte: usize, line: usize) -> (u32, u32) {
        let start = self.line_starts[line];
        let col = if self.line_is_ascii(line) {
            byte - start
        } else {
            let mut b = byte;
            while b > start && !text.is_char_boundary(b) {
                b -= 1;
            }
            text[start..b].chars().count()
        };
        (line as u32 + 1, col as u32 + 1)
    }

    /// The span for a byte range.
    pub fn span(&self, text: &str, start: usize, end: usize) -> Span {
        let (line, col) = self.locate(text, start);
        // Most spans end on the line they start on: then the end needs no
        // second search (hot: every value of every Terraform instance).
        let next_line = self
            .line_starts
            .get(line as usize)
            .copied()
            .unwrap_or(usize::MAX);
        let (end_line, end_col) =
            if end >= start && end < next_line && self.line_is_ascii(line as usize - 1) {
                (
                    line,
                    col + (end.min(text.len()) - start.min(text.len())) as u32,
                )
            } else if end >= start {
                self.locate_from(text, end, line as usize - 1)
            } else {
                self.locate(text, end)
            };
        Span {
            start,
            end,
            line,
            col,
            end_line,
            end_col,
        }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.line_starts
            .get((line as usize).checked_sub(1)?)
            .copied()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
}

/// The text of lines `from..=to` (1-based), for code snippets in reports.
pub fn snippet(text: &str, from: u32, to: u32) -> String {
    text.lines()
        .skip(from.saturating_sub(1) as usize)
        .take((to.saturating_sub(from) + 1) as usize)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_ascii_and_unicode() {
        let t = "ab\ncdé\nxyz";
        let idx = LineIndex::new(t);
        assert_eq!(idx.locate(t, 0), (1, 1));
        assert_eq!(idx.locate(t, 3), (2, 1));
        // 'é' is two bytes; 'x' on line 3
        assert_eq!(idx.locate(t, t.find('x').unwrap()), (3, 1));
        let s = idx.span(t, 3, 5);
        assert_eq!((s.line, s.col, s.end_line, s.end_col), (2, 1, 2, 3));
    }

    #[test]
    fn span_ends_agree_with_locate() {
        for t in ["ab\ncd\n\nefg", "ab\ncdé\nxyz\n"] {
            let idx = LineIndex::new(t);
            for start in 0..=t.len() + 1 {
                for end in start..=t.len() + 2 {
                    let s = idx.span(t, start, end);
                    assert_eq!((s.line, s.col), idx.locate(t, start), "{t:?} {start}");
                    assert_eq!((s.end_line, s.end_col), idx.locate(t, end), "{t:?} {end}");
                }
            }
        }
    }

    #[test]
    fn snippet_takes_lines() {
        assert_eq!(snippet("a\nb\nc\nd", 2, 3), "b\nc");
    }
}
