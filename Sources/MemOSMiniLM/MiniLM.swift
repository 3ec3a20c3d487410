/// The built-in all-MiniLM-L6-v2 sentence encoder (filled in by issue 8).
public enum MiniLM {
    /// Dimensions of every vector the model produces.
    public static let dimensions = 384
}
