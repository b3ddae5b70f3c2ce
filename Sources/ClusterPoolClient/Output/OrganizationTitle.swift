/// The title line above a table (`table` format), naming the organization the command worked
/// in, so two CLIs or two config files that resolve differently are told apart at a glance:
/// `Cluster pools in organization 127`.
enum OrganizationTitle {
  /// `what in organization ORG`, where ORG is `organization` (the one the client sent), else
  /// the one the server reported on the resources shown, else the server's default.
  static func line(_ what: String, organization: String, reported: [String]) -> String {
    let org = organization.isEmpty ? (reported.first { !$0.isEmpty } ?? "") : organization
    return org.isEmpty ? "\(what) in the server's default organization\n" : "\(what) in organization \(org)\n"
  }

  /// `body` under the title for `.table`; `body` alone for `.tableSimple`.
  static func titled(
    _ body: String, _ what: String, organization: String, reported: [String], format: OutputFormat
  ) -> String {
    format == .table ? line(what, organization: organization, reported: reported) + body : body
  }
}
