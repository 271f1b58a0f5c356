//! The pages people copy commands from (README.md, README.ko.md, docs/*.md),
//! read one way by every test that checks them: sections by heading, the
//! `$ ` commands of their console blocks with the lines printed under each,
//! and the rows of their tables.

pub use super::docker::ROOT;

/// One page, or one section of it.
#[derive(Debug, Clone)]
pub struct Page {
    pub name: String,
    pub text: String,
}

/// One fenced code block: the word after its opening fence (`console`,
/// `json`, or nothing) and the lines between the fences.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub lang: String,
    pub lines: Vec<String>,
}

impl Block {
    /// A console block's steps, as [`Page::steps`] reads them.
    pub fn steps(&self) -> Vec<Step> {
        Page {
            name: format!("a ```{} block", self.lang),
            text: format!("```{}\n{}\n```\n", self.lang, self.lines.join("\n")),
        }
        .steps()
    }
}

/// One `$ command` and the lines the page shows under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub command: String,
    pub expected: Vec<String>,
}

/// Reads a page by its path from the repository's root.
pub fn page(name: &str) -> Page {
    let text = std::fs::read_to_string(format!("{ROOT}/{name}"))
        .unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
    Page {
        name: name.to_string(),
        text,
    }
}

impl Page {
    /// The section whose heading line starts with `heading` (`## Settings`),
    /// up to the next heading of the same or a higher level.
    pub fn section(&self, heading: &str) -> Page {
        let level = heading.chars().take_while(|&c| c == '#').count();
        assert!(level > 0, "{heading:?} is not a heading");
        let mut lines = self.text.lines();
        let mut out = Vec::new();
        let mut in_code = false;
        for line in lines.by_ref() {
            if line.starts_with("```") {
                in_code = !in_code;
            }
            if !in_code && line.starts_with(heading) {
                out.push(line);
                break;
            }
        }
        assert!(!out.is_empty(), "no `{heading}` in {}", self.name);
        in_code = false;
        for line in lines {
            if line.starts_with("```") {
                in_code = !in_code;
            }
            let depth = line.chars().take_while(|&c| c == '#').count();
            if !in_code && depth > 0 && depth <= level && line[depth..].starts_with(' ') {
                break;
            }
            out.push(line);
        }
        Page {
            name: format!("{} {heading}", self.name),
            text: out.join("\n") + "\n",
        }
    }

    /// The page without the section whose heading line starts with
    /// `heading` (that section as [`Page::section`] reads it).
    pub fn without(&self, heading: &str) -> Page {
        let cut = self.section(heading).text;
        let at = self
            .text
            .find(cut.trim_end())
            .unwrap_or_else(|| panic!("`{heading}` is not one piece of {}", self.name));
        Page {
            name: format!("{} without {heading}", self.name),
            text: format!(
                "{}{}",
                &self.text[..at],
                &self.text[at + cut.trim_end().len()..]
            ),
        }
    }

    /// Every `$ ` command of the page's console blocks, in order, each with
    /// the lines shown under it. Lines starting with `# ` are the page
    /// talking to the reader, not output.
    pub fn steps(&self) -> Vec<Step> {
        let mut steps: Vec<Step> = Vec::new();
        for block in self.text.split("```console\n").skip(1) {
            let block = &block[..block.find("```").expect("a closed console block")];
            for line in block.lines() {
                if let Some(command) = line.strip_prefix("$ ") {
                    steps.push(Step {
                        command: command.to_string(),
                        expected: Vec::new(),
                    });
                } else if !line.starts_with("# ") {
                    steps
                        .last_mut()
                        .unwrap_or_else(|| panic!("output before a command in {}", self.name))
                        .expected
                        .push(line.to_string());
                }
            }
        }
        steps
    }

    /// The commands alone, without a trailing `# comment`: what a reader
    /// types, whatever language the page explains it in.
    pub fn commands(&self) -> Vec<String> {
        self.steps()
            .into_iter()
            .map(|step| without_comment(&step.command))
            .collect()
    }

    /// Every fenced code block of the page, in order.
    pub fn blocks(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut open: Option<Block> = None;
        for line in self.text.lines() {
            match (line.strip_prefix("```"), open.take()) {
                (Some(_), Some(block)) => blocks.push(block),
                (Some(lang), None) => {
                    open = Some(Block {
                        lang: lang.trim().to_string(),
                        lines: Vec::new(),
                    })
                }
                (None, Some(mut block)) => {
                    block.lines.push(line.to_string());
                    open = Some(block);
                }
                (None, None) => {}
            }
        }
        assert!(open.is_none(), "an unclosed code block in {}", self.name);
        blocks
    }

    /// The first command that starts with `start`.
    pub fn command(&self, start: &str) -> String {
        self.commands()
            .into_iter()
            .find(|command| command.starts_with(start))
            .unwrap_or_else(|| panic!("no `$ {start}...` in {}", self.name))
    }

    /// The cells of every table row whose first cell starts with `first`
    /// (backticks trimmed from each cell).
    pub fn table_rows(&self, first: &str) -> Vec<Vec<String>> {
        self.text
            .lines()
            .filter(|line| line.starts_with('|'))
            .map(|line| {
                line.trim_matches('|')
                    .split('|')
                    .map(|cell| cell.trim().trim_matches('`').to_string())
                    .collect::<Vec<_>>()
            })
            // The row under the header is made of dashes, not cells.
            .filter(|cells| {
                !cells
                    .iter()
                    .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
            })
            .filter(|cells| cells.first().is_some_and(|c| c.starts_with(first)))
            .collect()
    }
}

/// A command without its trailing `  # comment`: what a reader types.
pub fn without_comment(command: &str) -> String {
    match command.find("  #") {
        Some(at) => command[..at].trim_end().to_string(),
        None => command.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Page {
        Page {
            name: "sample".into(),
            text: "# T\n| a | b |\n|---|---|\n## A\n```console\n$ one  # note\nout\n# talk\n$ two\n```\n### A.1\n```console\n$ three\n```\n## B\n| `--x` | `X` |\n".into(),
        }
    }

    #[test]
    fn a_section_ends_at_the_next_heading_of_its_level() {
        let a = sample().section("## A");
        assert_eq!(a.commands(), ["one", "two", "three"]);
        assert_eq!(sample().section("### A.1").commands(), ["three"]);
        assert_eq!(sample().section("## B").table_rows("--"), [["--x", "X"]]);
        // Every row but the dashes under the header.
        assert_eq!(sample().table_rows("").len(), 2);
    }

    #[test]
    fn a_page_without_a_section_keeps_everything_else() {
        let rest = sample().without("### A.1");
        assert_eq!(rest.commands(), ["one", "two"]);
        assert_eq!(rest.section("## B").table_rows("--"), [["--x", "X"]]);
    }

    #[test]
    fn blocks_are_read_in_order_with_their_language() {
        let blocks = sample().blocks();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].lang, "console");
        assert_eq!(blocks[0].lines, ["$ one  # note", "out", "# talk", "$ two"]);
        assert_eq!(blocks[1].steps()[0].command, "three");
        assert_eq!(without_comment("one  # note"), "one");
    }

    #[test]
    fn steps_keep_their_output_and_skip_the_pages_comments() {
        let steps = sample().steps();
        assert_eq!(steps[0].expected, ["out"]);
        assert!(steps[1].expected.is_empty());
    }
}
