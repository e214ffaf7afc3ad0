//! Timing: medians over rounds in which every contender runs once, so that the
//! machine's slow moments fall on all of them alike and the ratios stay fair.

use std::time::{Duration, Instant};

/// How long to measure one group of operations.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Stop starting rounds once this much time has been spent (and `min_rounds` run).
    pub budget: Duration,
    /// Rounds always run.
    pub min_rounds: usize,
    /// Rounds never exceeded, however fast the operations.
    pub max_rounds: usize,
}

/// One timed operation: runs once and returns how long its measured part took.
pub type Op<'a> = Box<dyn FnMut() -> Duration + 'a>;

/// Runs `f` and times it; the result is returned so that dropping it is not timed.
pub fn timed<R>(f: impl FnOnce() -> R) -> (Duration, R) {
    let start = Instant::now();
    let result = std::hint::black_box(f());
    (start.elapsed(), result)
}

/// Runs every op once to warm up (caches, allocator, page cache), then in rounds,
/// each op once per round, and returns each op's median time. Each round starts one
/// op further along, so that no op always follows the same one: a durable save pays
/// for the writes left unflushed before it (ext4 commits them with its fsync), and
/// that cost must not always fall on the same contender.
pub fn medians(ops: &mut [Op<'_>], plan: &Plan) -> Vec<Duration> {
    for op in ops.iter_mut() {
        op();
    }
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); ops.len()];
    let start = Instant::now();
    let mut rounds = 0;
    while rounds < plan.min_rounds || (rounds < plan.max_rounds && start.elapsed() < plan.budget) {
        for i in 0..ops.len() {
            let at = (i + rounds) % ops.len();
            samples[at].push(ops[at]());
        }
        rounds += 1;
    }
    samples.into_iter().map(median).collect()
}

/// The median of `times` (the mean of the middle two for an even count).
fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    let mid = times.len() / 2;
    if times.len() % 2 == 1 {
        times[mid]
    } else {
        (times[mid - 1] + times[mid]) / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(vec![ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(
            median(vec![ms(4), ms(1), ms(3), ms(100)]),
            Duration::from_micros(3_500)
        );
    }

    #[test]
    fn every_op_runs_the_minimum_rounds_after_a_warm_up_in_rotating_order() {
        let order = std::cell::RefCell::new(Vec::new());
        let mut ops: Vec<Op<'_>> = vec![
            Box::new(|| {
                order.borrow_mut().push(0);
                Duration::from_millis(1)
            }),
            Box::new(|| {
                order.borrow_mut().push(1);
                Duration::from_millis(2)
            }),
        ];
        let plan = Plan {
            budget: Duration::ZERO,
            min_rounds: 3,
            max_rounds: 10,
        };
        let medians = medians(&mut ops, &plan);
        drop(ops);
        assert_eq!(
            medians,
            [Duration::from_millis(1), Duration::from_millis(2)]
        );
        // The warm-up, then rounds starting at 0, 1, 0.
        assert_eq!(order.into_inner(), [0, 1, 0, 1, 1, 0, 0, 1]);
    }
}
