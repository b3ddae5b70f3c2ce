import ClusterPoolClient
import Foundation
import Synchronization

/// A real editor program for tests: a shell script that, on its Nth run, saves a copy of the
/// file it was given as `seen-N.yaml` (and its path as `path-N`), then replaces the file with `step-N.yaml` when that
/// exists (and leaves it unchanged otherwise).
struct ScriptedEditor {
  let directory: TemporaryDirectory
  let command: String

  init(steps: [String?]) throws {
    directory = try TemporaryDirectory()
    for (index, step) in steps.enumerated() {
      if let step { try directory.write("step-\(index + 1).yaml", step) }
    }
    let dir = directory.path
    // Run through /bin/sh rather than exec'd: a script written while a parallel test forks
    // can be "text file busy" (ETXTBSY) for exec, never for reading.
    command = "/bin/sh " + (try directory.write("editor.sh", """
      #!/bin/sh
      n=$(cat '\(dir)/count' 2>/dev/null || echo 0)
      n=$((n + 1))
      echo "$n" > '\(dir)/count'
      cp "$1" '\(dir)'/seen-$n.yaml
      printf '%s' "$1" > '\(dir)'/path-$n
      if [ -f '\(dir)'/step-$n.yaml ]; then cp '\(dir)'/step-$n.yaml "$1"; fi
      """))
  }

  /// How often the editor ran.
  var runs: Int {
    (try? String(contentsOfFile: directory.path + "/count", encoding: .utf8)).flatMap {
      Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
    } ?? 0
  }

  /// The file the editor was given on its Nth run.
  func path(_ run: Int) -> String {
    (try? String(contentsOfFile: directory.path + "/path-\(run)", encoding: .utf8)) ?? ""
  }

  /// What the editor was shown on its Nth run.
  func seen(_ run: Int) -> String {
    (try? String(contentsOfFile: directory.path + "/seen-\(run).yaml", encoding: .utf8)) ?? ""
  }
}

/// Answers `ManifestEditor`'s question after a rejection from a script, recording the
/// problems it was asked about; `nil` in the script stands for "no terminal".
final class ScriptedPrompt: ManifestRejectionPrompt {
  private let state: Mutex<(answers: [ManifestRejectionChoice?], problems: [String])>

  init(_ answers: [ManifestRejectionChoice?]) { state = Mutex((answers, [])) }

  func choice(after problem: String) -> ManifestRejectionChoice? {
    state.withLock { state in
      state.problems.append(problem)
      return state.answers.isEmpty ? .abort : state.answers.removeFirst()
    }
  }

  /// The problems asked about, in order.
  var problems: [String] { state.withLock { $0.problems } }
}
