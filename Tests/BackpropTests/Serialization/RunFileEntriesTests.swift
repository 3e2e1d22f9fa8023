import BackpropRunFile
import Foundation
import Testing

/// A run file's options keep the key and line they came from, so that a value the command
/// rejects can be reported as `--config run.yaml, key 'epochs' (line 2): …`.
@Suite struct RunFileEntriesTests {
  @Test func entriesKeepTheirKeysAndLines() throws {
    let yaml = "# a run\nepochs: ten\nbatch_size: 16\n\nstandardize: false\nlayers: [2, 5, 1]\n"
    let known: Set<String> = ["epochs", "batch-size", "standardize", "layers"]
    let entries = try RunFileReader.entries(runFile: Data(yaml.utf8), path: "run.yaml", knownOptions: known)
    #expect(
      entries == [
        .init(key: "batch_size", option: "batch-size", line: 3, arguments: ["--batch-size", "16"]),
        .init(key: "epochs", option: "epochs", line: 2, arguments: ["--epochs", "ten"]),
        .init(key: "layers", option: "layers", line: 6, arguments: ["--layers", "2,5,1"]),
        .init(key: "standardize", option: "standardize", line: 5, arguments: []),
      ])
    let json = "{\n  \"epochs\": 3,\n  \"layers\": \"2,5,1\"\n}\n"
    let fromJSON = try RunFileReader.entries(runFile: Data(json.utf8), path: "run.json", knownOptions: known)
    #expect(fromJSON.map(\.line) == [2, 3])
  }
}
