import Foundation
import PackagePlugin

/// Writes the git commit of the package's checkout into the target as `GitCommit.swift`
/// (`let gitCommit = "…"`), before every build: a prebuild command, so a new commit reaches an
/// incremental build (a value computed in Package.swift would not: SwiftPM caches the
/// evaluated manifest by its text). The file is rewritten only when the commit changed, so an
/// unchanged checkout recompiles nothing. Without git information the commit is `unknown`.
@main
struct GitCommit: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
    let script = """
      set -u
      mkdir -p "$2"
      commit=$(git -C "$1" rev-parse HEAD 2>/dev/null) || commit=unknown
      if [ "$commit" != unknown ] && [ -n "$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
        commit="$commit+uncommitted"
      fi
      printf '// Generated before each build by the GitCommit plugin.\\nlet gitCommit = "%s"\\n' "$commit" > "$2/GitCommit.swift.new"
      if cmp -s "$2/GitCommit.swift.new" "$2/GitCommit.swift"; then rm "$2/GitCommit.swift.new"
      else mv "$2/GitCommit.swift.new" "$2/GitCommit.swift"; fi
      """
    return [
      .prebuildCommand(
        displayName: "Record the git commit of \(context.package.directoryURL.path)",
        executable: URL(fileURLWithPath: "/bin/sh"),
        arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path],
        outputFilesDirectory: output)
    ]
  }
}
