import Foundation

/// Runs independent jobs on all cores: each core takes the next job in the list as it frees up (so list the
/// longest first), and the results come back in the list's order, whatever ran where. A job that throws
/// makes the whole call throw the first error in list order, once every job has finished. With `threads` 1 (or
/// less) the jobs run one after the other on the calling thread.
public func concurrently<T>(_ jobs: [() throws -> T], threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [T] {
    let slots = JobSlots(jobs)
    if threads <= 1 {
        for i in jobs.indices { slots.run(i) }
    } else {
        DispatchQueue.concurrentPerform(iterations: jobs.count) { slots.run($0) }
    }
    return try (0..<jobs.count).map { try slots.results[$0]!.get() }
}

/// The jobs of `concurrently` and a slot for each one's result: each job writes only its own slot, and the
/// slots are read once every job is done.
private final class JobSlots<T>: @unchecked Sendable {
    let jobs: [() throws -> T]
    let results: UnsafeMutablePointer<Result<T, Error>?>
    init(_ jobs: [() throws -> T]) {
        self.jobs = jobs
        results = .allocate(capacity: max(jobs.count, 1))
        results.initialize(repeating: nil, count: max(jobs.count, 1))
    }
    func run(_ i: Int) { results[i] = Result { try jobs[i]() } }
    deinit { results.deinitialize(count: max(jobs.count, 1)); results.deallocate() }
}
