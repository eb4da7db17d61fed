/// The caps on new series: series per app, label names per series, values
/// per label name. Checked only when an upload brings a label set the app
/// has not seen, which a steady agent rarely does.
package enum SeriesCaps {
    /// Refuses `new` label sets (canonical JSON) next to the app's `existing`
    /// ones (the merged `*` series left out) when they pass a cap.
    package static func check(new: [String], existing: [String], limits: StoreLimits) throws {
        let newLabels = new.map { SeriesLabels.decode($0) }
        for labels in newLabels where labels.count > limits.maxLabelsPerSeries {
            throw StoreError.limitReached(
                limit: "max-labels",
                message:
                    "labels: a series would carry \(labels.count) label names (\(labels.keys.sorted().prefix(40).joined(separator: ", "))), "
                    + "over the limit of \(limits.maxLabelsPerSeries) (--max-labels)")
        }
        var valuesByName: [String: Set<String>] = [:]
        for labels in newLabels { for (name, value) in labels { valuesByName[name, default: []].insert(value) } }
        let count = existing.count
        for stored in existing {
            for (name, value) in SeriesLabels.decode(stored) where valuesByName[name] != nil { valuesByName[name]!.insert(value) }
        }
        guard count + new.count <= limits.maxSeriesPerApp else {
            throw StoreError.limitReached(
                limit: "max-series-per-app",
                message: "labels: the app has \(count) series (distinct sets of thread, host and tags) and this upload would add "
                    + "\(new.count), over its limit of \(limits.maxSeriesPerApp) (--max-series-per-app); a label whose value changes "
                    + "with every upload or request (an id, a time) makes a series each")
        }
        if let (name, values) = valuesByName.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > limits.maxValuesPerLabel }) {
            throw StoreError.limitReached(
                limit: "max-label-values",
                message: "labels: label \(name.prefix(64)) would have \(values.count) values in this app, over the limit of "
                    + "\(limits.maxValuesPerLabel) (--max-label-values); a label whose value changes with every upload or request "
                    + "(an id, a time) makes a series each")
        }
    }
}
