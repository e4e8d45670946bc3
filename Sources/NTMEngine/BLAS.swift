import COpenBLAS

/// The BLAS calls the engine makes. The engine runs draws in parallel itself, so OpenBLAS is kept to one
/// thread (also what makes results independent of the machine's thread count).
enum BLAS {
    static let singleThreaded: Void = { openblas_set_num_threads(1) }()

    /// C (m×n) = A (m×k) · B (k×n), row-major, single precision.
    static func gemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int) {
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }
}
