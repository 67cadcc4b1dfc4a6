//! Progress of a large transfer: a bar redrawn in place when standard error is a terminal,
//! nothing between the log lines otherwise (a service's journal wants lines, not bars).

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Shared by the stream that sends the bytes and the code that started it.
#[derive(Debug, Clone)]
pub struct Progress(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    label: String,
    total: u64,
    done: AtomicU64,
    drawn_permille: AtomicU64,
    terminal: bool,
}

const MIB: f64 = 1024.0 * 1024.0;

impl Progress {
    /// A transfer of `total` bytes called `label`; drawn only on a terminal and only when
    /// large enough for a person to wait on it.
    pub fn new(label: &str, total: u64) -> Self {
        Progress(Arc::new(Inner {
            label: label.to_owned(),
            total,
            done: AtomicU64::new(0),
            drawn_permille: AtomicU64::new(u64::MAX),
            terminal: std::io::stderr().is_terminal() && total >= 4 * 1024 * 1024,
        }))
    }

    /// `n` more bytes went.
    pub fn advance(&self, n: u64) {
        let done = self.0.done.fetch_add(n, Ordering::Relaxed) + n;
        if !self.0.terminal || self.0.total == 0 {
            return;
        }
        let permille = (done.min(self.0.total) * 1000) / self.0.total;
        let last = self.0.drawn_permille.swap(permille, Ordering::Relaxed);
        if last != permille && permille % 5 == 0 {
            let filled = usize::try_from(permille / 25).unwrap_or(40);
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r{} [{}{}] {:>3}% {:.1}/{:.1} MiB",
                self.0.label,
                "#".repeat(filled),
                ".".repeat(40usize.saturating_sub(filled)),
                permille / 10,
                done as f64 / MIB,
                self.0.total as f64 / MIB,
            );
            let _ = err.flush();
        }
    }

    /// Bytes so far.
    pub fn done(&self) -> u64 {
        self.0.done.load(Ordering::Relaxed)
    }

    /// End the bar's line.
    pub fn finish(&self) {
        if self.0.terminal {
            let _ = writeln!(std::io::stderr());
        }
    }
}
