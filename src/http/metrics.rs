//! Prometheus metrics: requests by method, route pattern and status; latency histograms; the
//! database pool and the HSM session pool, read at scrape time.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};
use std::time::Duration;

/// The service's metrics registry.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    db_pool: IntGaugeVec,
    hsm_sessions: IntGaugeVec,
}

impl Metrics {
    /// Register every metric.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("cloudseal".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by method, route and status",
            ),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by method and route",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["method", "route"],
        )?;
        let db_pool = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state"),
            &["state"],
        )?;
        let hsm_sessions = IntGaugeVec::new(
            Opts::new("hsm_sessions", "HSM sessions by state"),
            &["state"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(db_pool.clone()))?;
        registry.register(Box::new(hsm_sessions.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            db_pool,
            hsm_sessions,
        })
    }

    /// Count and time one request.
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    /// Prometheus text with the pool figures as of now.
    pub fn render(&self, db: (usize, usize, usize), hsm: (usize, usize, usize)) -> String {
        self.db_pool.with_label_values(&["open"]).set(db.0 as i64);
        self.db_pool.with_label_values(&["idle"]).set(db.1 as i64);
        self.db_pool
            .with_label_values(&["waiting"])
            .set(db.2 as i64);
        self.hsm_sessions
            .with_label_values(&["open"])
            .set(hsm.0 as i64);
        self.hsm_sessions
            .with_label_values(&["busy"])
            .set(hsm.1 as i64);
        self.hsm_sessions
            .with_label_values(&["capacity"])
            .set(hsm.2 as i64);
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}
