//! Stage timings for `-v`: how long each step of an import took. They are logged at info
//! level because they hold no contact data, only stage names and seconds, so a slow nightly
//! run can be explained from its log without a profiler.

use std::time::Instant;

/// A stopwatch that logs the time since its last lap under a stage name.
pub struct Laps {
    what: &'static str,
    clock: Instant,
}

impl Laps {
    /// Start timing the steps of `what` (`import`, `identity`…).
    pub fn start(what: &'static str) -> Self {
        Self {
            what,
            clock: Instant::now(),
        }
    }

    /// Log the seconds since the start or the previous lap as `stage`, and restart.
    pub fn lap(&mut self, stage: &str) {
        let seconds = self.clock.elapsed().as_secs_f64();
        tracing::info!(target: "netwerk_import::timing", "{} {stage}: {seconds:.2} s", self.what);
        self.clock = Instant::now();
    }
}
