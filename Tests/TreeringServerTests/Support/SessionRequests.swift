import Foundation

/// A session request as the agent sends it: a treering/1 document whose
/// tags name the request, its wall time and the transaction.
func sessionRequest(
    app: String = "shop-web", transaction: String = "GET /orders/{pk}", request: String?, wallMs: String? = "61.5",
    stacks: [([Int], Int)] = [([0, 1, 2], 4), ([0, 1], 1)]
) throws -> Data {
    var tags = ["transaction": transaction]
    tags["treering.request"] = request
    tags["treering.wall_ms"] = wallMs
    let doc: [String: Any] = [
        "format": "treering/1", "app": app, "host": "web-1", "start": 1_732_460_000.0, "end": 1_732_460_000.1,
        "interval_ms": 5, "tags": tags,
        "frames": [
            ["name": "<module>", "file": "app.py", "line": 1],
            ["name": "order_detail", "file": "shop/views.py", "line": 12],
            ["name": "session_only_crunch", "file": "shop/math.py", "line": 3],
        ],
        "samples": stacks.map { ["stack": $0.0, "count": $0.1, "thread": "Thread-1"] as [String: Any] },
    ]
    return try JSONSerialization.data(withJSONObject: doc)
}
