import Testing

@testable import Sandbox

@Suite struct ByteSizeTests {}
