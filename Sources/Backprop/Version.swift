/// The library's version (semantic versioning), as `backprop info` prints it.
///
/// A constant rather than a type named `Backprop`, which would shadow the
/// module's name in qualified references such as `Backprop.Matrix`.
public let backpropVersion = "0.1.0"
