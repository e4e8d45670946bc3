#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// LAPACK's Cholesky routines from OpenBLAS, loaded the first time calibration inverts a matrix instead of linked
/// into the program: Debian's default OpenBLAS (the pthreads build) starts a pool of threads as soon as it is
/// loaded, and the pool spins on the other core for about a tenth of a second, which slowed the start of every
/// command by some 30 ms although only calibration uses the library.
enum LAPACK {
    /// dpotrf_ and dpotri_ (Fortran calling convention: arguments by reference, column-major, and the hidden
    /// length of the character argument).
    typealias Routine = @convention(c) (UnsafePointer<CChar>, UnsafePointer<Int32>, UnsafeMutablePointer<Double>,
                                        UnsafePointer<Int32>, UnsafeMutablePointer<Int32>, Int) -> Void

    /// The library's names: the run-time one, then the development symlink.
    static let libraries = ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"]

    static let routines: Result<(potrf: Routine, potri: Routine), LibraryError> = {
        // The matrices are the calibration's few parameters: one thread, and no pool.
        setenv("OPENBLAS_NUM_THREADS", "1", 0)
        for name in libraries {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            if let f = dlsym(handle, "dpotrf_"), let i = dlsym(handle, "dpotri_") {
                return .success((unsafeBitCast(f, to: Routine.self), unsafeBitCast(i, to: Routine.self)))
            }
        }
        return .failure(LibraryError(message: "OpenBLAS (\(libraries[0])) with LAPACK's dpotrf and dpotri cannot be loaded; install libopenblas-dev (apt-get install libopenblas-dev)"))
    }()
}

/// A system library the command needs is missing.
public struct LibraryError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
