public import ClusterPoolAuth
public import Logging
public import ServiceLifecycle

/// Reads the signing keys again every `interval`, so that a server signs with, verifies and
/// publishes the keys another replica or `clusterpool-server keys rotate` added while it ran
/// (a rotation reaches every server within the interval). A failed read is logged and the keys
/// already loaded stay in use.
public struct SigningKeyRefresh: Service {
  let keyring: SigningKeyring
  let interval: Duration
  let logger: Logger

  public init(keyring: SigningKeyring, interval: Duration = .seconds(30), logger: Logger) {
    self.keyring = keyring
    self.interval = interval
    self.logger = logger
  }

  public func run() async throws {
    await cancelWhenGracefulShutdown { await self.refreshUntilCancelled() }
  }

  private func refreshUntilCancelled() async {
    var signing: String?
    while !Task.isCancelled {
      do {
        try await Task.sleep(for: interval)
      } catch {
        return  // cancelled: the group is shutting down
      }
      do {
        let now = try await keyring.load(now: AccessTokens.systemClock())
        if let signing, signing != now { logger.info("access tokens now signed with key \(now)") }
        signing = now
      } catch {
        logger.warning("cannot read the signing keys again (the loaded ones stay in use): \(error)")
      }
    }
  }
}
