import BackpropReport
import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// An XML document parsed with Foundation's `XMLParser` into elements, for
/// checking the charts' SVG: it parses (well-formed, entities escaped), and has
/// the elements and texts it should.
final class XMLTree {
  /// One element: its name, attributes, text and children.
  final class Element {
    let name: String
    let attributes: [String: String]
    var text = ""
    var children: [Element] = []

    init(name: String, attributes: [String: String]) {
      self.name = name
      self.attributes = attributes
    }

    /// Every element below this one (depth first) named `name`.
    func all(_ name: String) -> [Element] {
      children.flatMap { ($0.name == name ? [$0] : []) + $0.all(name) }
    }

    /// The text of every `<text>` element below this one.
    var texts: [String] { all("text").map(\.text) }
  }

  /// The root element.
  let root: Element

  /// Parses `text`.
  /// - Throws: the parser's error, with its line, when the text is not well-formed XML.
  init(_ text: String) throws {
    let parser = XMLParser(data: Data(text.utf8))
    let builder = Builder()
    parser.delegate = builder
    guard parser.parse(), let root = builder.root else {
      throw parser.parserError
        ?? NSError(domain: "XMLTree", code: 1, userInfo: [NSLocalizedDescriptionKey: "no root element"])
    }
    self.root = root
  }

  private final class Builder: NSObject, XMLParserDelegate {
    var root: Element?
    var stack: [Element] = []

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      let element = Element(name: elementName, attributes: attributes)
      if let parent = stack.last { parent.children.append(element) } else { root = element }
      stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
      stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      stack.last?.text += string
    }
  }
}
