/// What an API key may do. Each scope includes the ones before it:
/// `ingest` uploads (and reads the active sessions agents poll), `read`
/// also uses every read API and page, `admin` also starts and stops
/// sessions, creates share links and manages keys.
public enum KeyScope: String, Sendable, CaseIterable, Comparable {
    case ingest, read, admin

    public static func < (a: KeyScope, b: KeyScope) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
