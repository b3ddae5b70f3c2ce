import Foundation

/// A real editor program for tests: a shell script that, on its Nth run, saves a copy of the
/// file it was given as `seen-N.yaml`, then replaces the file with `step-N.yaml` when that
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
      if [ -f '\(dir)'/step-$n.yaml ]; then cp '\(dir)'/step-$n.yaml "$1"; fi
      """))
  }

  /// How often the editor ran.
  var runs: Int {
    (try? String(contentsOfFile: directory.path + "/count", encoding: .utf8)).flatMap {
      Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
    } ?? 0
  }

  /// What the editor was shown on its Nth run.
  func seen(_ run: Int) -> String {
    (try? String(contentsOfFile: directory.path + "/seen-\(run).yaml", encoding: .utf8)) ?? ""
  }
}
