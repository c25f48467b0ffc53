//! When to restart: the Luby sequence.
//!
//! Restarting (undoing every decision while keeping what was learned) lets the solver escape a
//! bad early choice. The Luby sequence 1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8, … is, up to
//! a constant factor, the optimal universal schedule for a run time that is a random variable
//! (Luby, Sinclair and Zuckerman, "Optimal speedup of Las Vegas algorithms", 1993). MiniSat
//! restarts after `100 · luby(2, i)` conflicts; keyaki does the same.

/// The `i`-th element (from 0) of the Luby sequence with base `y` (`y = 2`: 1 1 2 1 1 2 4 …).
pub fn luby(y: f64, mut i: u64) -> f64 {
    // Find the finite subsequence containing index i, and its size.
    let (mut size, mut seq) = (1u64, 0i32);
    while size < i + 1 {
        seq += 1;
        size = 2 * size + 1;
    }
    while size - 1 != i {
        size = (size - 1) >> 1;
        seq -= 1;
        i %= size;
    }
    y.powi(seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_luby_sequence() {
        let first: Vec<f64> = (0..15).map(|i| luby(2.0, i)).collect();
        assert_eq!(
            first,
            vec![1., 1., 2., 1., 1., 2., 4., 1., 1., 2., 1., 1., 2., 4., 8.]
        );
    }
}
