import ArgumentParser
import Backprop

@main
struct BackpropCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backprop",
    abstract: "Build, train and run deep fully connected neural networks, as the deeplearning.ai notes write them.",
    subcommands: []
  )
}
