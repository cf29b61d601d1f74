/// A plain data value in a spec: what `params:` holds, and the form a whole canonical spec takes.
///
/// The cases are exactly the IPLD data model kinds a spec may use, so any value can later be
/// encoded as dag-cbor for a recipe: strings, 64-bit integers, finite floats, booleans, lists and
/// maps with string keys. There is no null: a parameter that is absent is simply not written.
public enum SpecValue: Sendable, Hashable {
    case string(String)
    case int(Int)
    case float(Double)
    case bool(Bool)
    case list([SpecValue])
    case map(SpecMap)

    /// Whether this is a string, number or boolean (what a `{{params.x}}` placeholder can print).
    public var isScalar: Bool {
        switch self {
        case .string, .int, .float, .bool: true
        case .list, .map: false
        }
    }

    /// The text a placeholder renders for a scalar: the string itself, `5`, `0.95`, `true`;
    /// `nil` for lists and maps.
    public var scalarText: String? {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .float(let value): value.description
        case .bool(let value): value ? "true" : "false"
        case .list, .map: nil
        }
    }

    /// A short name for the kind of value, for error messages.
    public var kindName: String {
        switch self {
        case .string: "a string"
        case .int: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .list: "a list"
        case .map: "a map"
        }
    }
}

/// A map from strings to ``SpecValue``s that remembers the order its keys were written in.
///
/// Order matters only for printing (a normalized spec lists parameters as the author did);
/// two maps with the same entries in a different order are different values here, though they
/// describe the same parameters.
public struct SpecMap: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The keys, in the order they were inserted.
    public private(set) var keys: [String] = []
    private var values: [String: SpecValue] = [:]

    public init() {}

    public init(dictionaryLiteral elements: (String, SpecValue)...) {
        for (key, value) in elements { self[key] = value }
    }

    /// The value for `key`; setting a new key appends it, setting `nil` removes it.
    public subscript(key: String) -> SpecValue? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The value found by following `path` through nested maps (`["model", "depth"]`).
    public func value(at path: some Collection<String>) -> SpecValue? {
        guard let first = path.first, let value = self[first] else { return nil }
        let rest = path.dropFirst()
        if rest.isEmpty { return value }
        guard case .map(let inner) = value else { return nil }
        return inner.value(at: rest)
    }

    public func makeIterator() -> some IteratorProtocol<(key: String, value: SpecValue)> {
        keys.lazy.map { (key: $0, value: values[$0]!) }.makeIterator()
    }
}
