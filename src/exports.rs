//! Files made by the `...Export` actions, served at `/_emulator/exports/{JobId}`
//! (the `DownloadUrl` they answer). Kept in memory, the newest 64.

use std::collections::VecDeque;
use std::sync::Mutex;

const KEEP: usize = 64;

#[derive(Debug, Default)]
pub struct Exports {
    files: Mutex<VecDeque<(String, String)>>,
}

impl Exports {
    /// Keeps `csv` under `job_id`, dropping the oldest beyond the limit.
    pub fn put(&self, job_id: String, csv: String) {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if files.len() >= KEEP {
            files.pop_front();
        }
        files.push_back((job_id, csv));
    }

    pub fn get(&self, job_id: &str) -> Option<String> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files
            .iter()
            .find(|(id, _)| id == job_id)
            .map(|(_, csv)| csv.clone())
    }

    pub fn clear(&self) {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// One CSV field, quoted when it needs to be.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_and_quotes_fields() {
        let e = Exports::default();
        for i in 0..70 {
            e.put(format!("job{i}"), format!("{i}"));
        }
        assert!(e.get("job0").is_none());
        assert_eq!(e.get("job69").as_deref(), Some("69"));
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
