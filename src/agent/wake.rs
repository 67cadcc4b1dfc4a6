//! What wakes the outbox loop: a file-system notification (inotify on Linux) for anything
//! created, written, renamed or removed in the outbox, or else the periodic rescan. The rescan
//! stays: network file systems (NFS, SMB) do not notify, and a flood of events can overflow
//! the kernel's queue; a missed notification then costs at most `scan_secs`.

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::mpsc;

/// Wakes the loop when the outbox changes.
pub struct Wake {
    watcher: Option<RecommendedWatcher>,
    rx: mpsc::Receiver<()>,
}

/// Whether an event in the outbox may bring a file to send: not access-only, and not in the
/// folders the agent writes itself (its own moves would wake it for nothing).
fn relevant(event: &Event, own: &[PathBuf]) -> bool {
    !matches!(event.kind, EventKind::Access(_))
        && event
            .paths
            .iter()
            .any(|p| !own.iter().any(|o| p.starts_with(o)))
}

impl Wake {
    /// Watch `outbox` and its sub-folders, leaving out `own` (the agent's folders inside it).
    /// If the system cannot watch it, say so once and rely on the rescan.
    pub fn on(outbox: &Path, own: Vec<PathBuf>) -> Self {
        let (tx, rx) = mpsc::channel(1);
        let watcher = notify::recommended_watcher(move |res: notify::Result<Event>| {
            if res.is_ok_and(|e| relevant(&e, &own)) {
                let _ = tx.try_send(());
            }
        })
        .and_then(|mut w| w.watch(outbox, RecursiveMode::Recursive).map(|()| w));
        let watcher = match watcher {
            Ok(w) => Some(w),
            Err(e) => {
                tracing::warn!(error = %e, "no file-system notifications: the outbox is rescanned only");
                None
            }
        };
        Self { watcher, rx }
    }

    /// Wait for a change, or `at_most`.
    pub async fn wait(&mut self, at_most: Duration) {
        if self.watcher.is_none() {
            tokio::time::sleep(at_most).await;
            return;
        }
        tokio::select! {
            _ = self.rx.recv() => {
                // Let a burst (a copy of many files) settle into one scan.
                tokio::time::sleep(Duration::from_millis(200)).await;
                while self.rx.try_recv().is_ok() {}
            }
            () = tokio::time::sleep(at_most) => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_new_file_wakes_it_and_the_agents_own_folders_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let sent = dir.path().join("sent");
        std::fs::create_dir_all(&sent).unwrap();
        let mut wake = Wake::on(dir.path(), vec![sent.clone()]);
        let long = Duration::from_secs(30);
        std::fs::write(sent.join("filed.pdf"), b"x").unwrap();
        let quiet = tokio::time::timeout(Duration::from_millis(700), wake.wait(long)).await;
        assert!(quiet.is_err(), "the agent's own folder does not wake it");
        std::fs::write(dir.path().join("new.pdf"), b"x").unwrap();
        let woke = tokio::time::timeout(Duration::from_secs(5), wake.wait(long)).await;
        assert!(woke.is_ok(), "a new file wakes it before the rescan");
    }
}
