/// The large C × Kp tables that the passes read and write at the same index together (the draw's values and
/// needs, the cost per point, the batch's sums), each starting at its own offset within a 4 KiB page. From plain
/// `malloc` they would all start 16 bytes into a page: the current lines of every table would fall in the same
/// sets of the first-level cache, and loads and stores to different tables would share their low twelve address
/// bits, which the processor compares first when it checks whether a load depends on an earlier store. Placed
/// 512 bytes apart, the national run took 0.96 of the time (median ratio of 15 and 21 whole-process pairs, AMD
/// EPYC), with the same numbers. Placing the first year's values and the second year's tables the same way
/// was slower (1.05 and 1.14 against this): the effect is measured, not modelled, so they keep plain allocations.
enum Staggered {
    /// Bytes between the offsets of two slots (eight cache lines: eight sets of the first-level cache apart).
    static let step = 512
    /// The slots of the tables read together (the batch's sums take `sums + year`; slots wrap around at eight).
    static let draw = 0, need = 1, costPerPoint = 2, sums = 4

    static func allocate<T>(_ type: T.Type, count: Int, slot: Int) -> UnsafeMutablePointer<T> {
        let offset = (slot % 8) * step
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<T>.stride + offset, alignment: 4096)
        return (raw + offset).bindMemory(to: T.self, capacity: max(count, 1))
    }

    static func deallocate<T>(_ p: UnsafeMutablePointer<T>, slot: Int) {
        (UnsafeMutableRawPointer(p) - (slot % 8) * step).deallocate()
    }
}
