//! The benchmark's table: per-family times of both solvers and their ratio.

use super::*;
/// One solver's times on one family.
#[derive(Default, Clone)]
pub(super) struct Times {
    pub(super) runs: Vec<Duration>,
    pub(super) timeouts: usize,
}

impl Times {
    pub(super) fn add(&mut self, outcome: &Outcome, timeout: Duration) {
        if matches!(outcome.result, RunResult::Timeout) {
            self.timeouts += 1;
            self.runs.push(timeout);
        } else {
            self.runs.push(outcome.elapsed);
        }
    }

    pub(super) fn total(&self) -> Duration {
        self.runs.iter().sum()
    }

    pub(super) fn median(&self) -> Option<Duration> {
        let mut sorted = self.runs.clone();
        sorted.sort();
        let middle = sorted.len() / 2;
        if sorted.len() % 2 == 1 {
            sorted.get(middle).copied()
        } else {
            let low = sorted.get(middle.checked_sub(1)?)?;
            let high = sorted.get(middle)?;
            Some((*low + *high) / 2)
        }
    }

    pub(super) fn extend(&mut self, other: &Times) {
        self.runs.extend_from_slice(&other.runs);
        self.timeouts += other.timeouts;
    }
}

pub(super) struct Row {
    pub(super) family: String,
    pub(super) expect: Option<Verdict>,
    pub(super) keyaki: Times,
    pub(super) minisat: Times,
}

impl Row {
    pub(super) fn new(family: &str, expect: Option<Verdict>) -> Row {
        Row {
            family: family.to_string(),
            expect,
            keyaki: Times::default(),
            minisat: Times::default(),
        }
    }
}

pub(super) fn print_table(rows: &[Row], with_minisat: bool) {
    println!(
        "{:<14} {:>6} {:>6} {:>12} {:>10} {:>12} {:>10} {:>9}",
        "family", "expect", "files", "keyaki", "median", "minisat", "median", "keyaki/"
    );
    println!(
        "{:<14} {:>6} {:>6} {:>12} {:>10} {:>12} {:>10} {:>9}",
        "", "", "", "total", "", "total", "", "minisat"
    );
    let mut all = Row::new("all", None);
    for row in rows {
        print_row(row, with_minisat);
        all.keyaki.extend(&row.keyaki);
        all.minisat.extend(&row.minisat);
    }
    println!("{}", "-".repeat(86));
    print_row(&all, with_minisat);

    let mut notes = Vec::new();
    for row in rows {
        for (name, times) in [("keyaki", &row.keyaki), ("minisat", &row.minisat)] {
            if times.timeouts > 0 {
                notes.push(format!(
                    "{}: {name} timed out on {} of {} files (counted as the timeout)",
                    row.family,
                    times.timeouts,
                    times.runs.len()
                ));
            }
        }
    }
    if !notes.is_empty() {
        println!();
        for note in notes {
            println!("{note}");
        }
    }
}

pub(super) fn print_row(row: &Row, with_minisat: bool) {
    let expect = match row.expect {
        Some(Verdict::Sat) => "SAT",
        Some(Verdict::Unsat) => "UNSAT",
        None => "",
    };
    let cell = |times: &Times, present: bool| {
        if present && !times.runs.is_empty() {
            (
                fmt_duration(times.total()),
                times.median().map(fmt_duration).unwrap_or_default(),
            )
        } else {
            ("-".to_string(), "-".to_string())
        }
    };
    let (k_total, k_median) = cell(&row.keyaki, true);
    let (m_total, m_median) = cell(&row.minisat, with_minisat);
    let ratio = if with_minisat && !row.minisat.total().is_zero() {
        format!(
            "{:.2}",
            row.keyaki.total().as_secs_f64() / row.minisat.total().as_secs_f64()
        )
    } else {
        "-".to_string()
    };
    println!(
        "{:<14} {:>6} {:>6} {:>12} {:>10} {:>12} {:>10} {:>9}",
        row.family,
        expect,
        row.keyaki.runs.len(),
        k_total,
        k_median,
        m_total,
        m_median,
        ratio
    );
}

pub(super) fn fmt_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else {
        format!("{:.2} ms", secs * 1000.0)
    }
}
