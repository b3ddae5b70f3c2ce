internal import ClusterPoolProto
internal import RPCCore

/// Paging of the identity lists: items sorted by name; a page holds `limit` items (0: all, at
/// most ``maxLimit``) after the token's name, and the token of the next page is the last name
/// on this one ("" on the last page).
enum IdentityPage {
  static let maxLimit = 1000

  static func page<Item>(_ items: [Item], name: (Item) -> String, _ request: Cloudidl.Common.ListRequest?) -> ([Item], String) {
    let limit = Int(request?.limit ?? 0)
    let size = limit == 0 ? maxLimit : min(limit, maxLimit)
    let after = request?.token ?? ""
    let rest = after.isEmpty ? items[...] : items.drop { name($0) <= after }
    let page = Array(rest.prefix(size))
    let token = rest.count > size ? page.last.map(name) ?? "" : ""
    return (page, token)
  }
}
