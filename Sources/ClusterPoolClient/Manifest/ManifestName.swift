/// The name a command works on when it has a manifest: the one on the command line, the
/// manifest's `name:`, or both when they agree.
enum ManifestName {
  static func resolved(declared: String?, commandLine given: String?) throws(ManifestError) -> String {
    switch (given, declared) {
    case (let given?, let declared?) where given != declared:
      throw ManifestError("the manifest's name \"\(declared)\" does not match \"\(given)\" on the command line")
    case (let given?, _): return given
    case (nil, let declared?): return declared
    case (nil, nil): throw ManifestError("the manifest has no name: add a name: key or give NAME on the command line")
    }
  }
}
