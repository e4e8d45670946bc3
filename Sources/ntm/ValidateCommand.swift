import ArgumentParser
import Foundation
import NTMCatalogue
import NTMEngine

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check catalogue files, dataset folders and scenario files; write nothing.",
        discussion: """
        A path that is a folder is read as a dataset (checked against --catalogue or the embedded catalogue); \
        a YAML file with 'criteria:' as a catalogue; any other YAML file as a scenario (with what it extends, \
        its dataset and catalogue). Every problem is printed as FILE:LINE: KEY: what is wrong. Exit status 2 \
        when anything is wrong.
        """)

    @Argument(help: "Catalogue files, dataset folders or scenario files.")
    var paths: [String]

    @Option(name: .long, help: "The catalogue datasets are checked against (default: the embedded one).")
    var catalogue: String?

    func run() throws {
        try guarded {
            var errors: [InputError] = []
            func collect(_ body: () throws -> Void) {
                do { try body() } catch let e as InputError { errors.append(e) } catch let e as InputErrors { errors += e.errors }
                catch { errors.append(InputError(file: "", line: 0, key: "", "\(error)")) }
            }
            var cat: Catalogue?
            collect { cat = try catalogue.map { try Catalogue.load(path: $0) } ?? Catalogue.embedded() }
            for path in paths {
                guard let kind = PathKind.of(path) else {
                    errors.append(InputError(file: path, line: 0, key: "", "no such file or folder")); continue
                }
                if kind == .folder {
                    guard let c = cat else { continue }
                    collect { _ = try DatasetLoader.load(folder: path, catalogue: c) }
                } else {
                    collect {
                        let root = try YAMLNode.load(path: path)
                        if case .mapping(let m) = root.node, m.keys.contains(where: { $0.string == "criteria" }) {
                            _ = try Catalogue.parse(root)
                        } else {
                            _ = try Model.load(scenario: Scenario.load(path: path))
                        }
                    }
                }
            }
            if !errors.isEmpty { throw InputErrors(errors) }
            print("ok: \(paths.joined(separator: ", "))")
        }
    }
}
