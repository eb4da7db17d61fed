#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's open-file limit, which connections and the database share.
enum OpenFiles {
    /// Raises the soft limit to the hard one (commonly 1,024 of 524,288)
    /// and returns how many connections fit under it: `wanted`, or fewer,
    /// keeping 100 descriptors for the database, its WAL and logs.
    static func connectionLimit(_ wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return wanted }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let available = Int(clamping: limit.rlim_cur) - 100
        return max(1, min(wanted, available))
    }
}
