import MetaKernel
import NIOCore

extension OpenSSLHandler {
    // MARK: - Handshake

    func startHandshake(context: ChannelHandlerContext) {
        guard state == .idle else { return }
        state = .handshaking
        startTimer(context: context, after: handshakeTimeout) { handler, context in
            handler.handshakeFailed(
                context: context,
                reason: "no handshake within \(Self.describe(handler.handshakeTimeout))"
            )
        }
        handshakeStep(context: context)
    }

    func handshakeStep(context: ChannelHandlerContext) {
        switch connection.handshake() {
        case .incomplete:
            writeToNetwork(context: context, promise: nil)
            // The peer's answer is needed; ask for it even when autoRead is off.
            context.read()
        case .complete:
            writeToNetwork(context: context, promise: nil)
            cancelTimer()
            state = .active
            context.fireUserInboundEventTriggered(
                TLSUserEvent.handshakeCompleted(protocolVersion: connection.protocolVersion, cipher: connection.cipher)
            )
            unbufferWrites(context: context)
        case .closed:
            handshakeFailed(context: context, reason: "the peer closed the connection (close_notify)")
        case .failed(let failure):
            handshakeFailed(context: context, reason: failure.reason, kind: failure.kind)
        }
    }

    /// Sends any alert OpenSSL queued, reports the failure and closes.
    func handshakeFailed(context: ChannelHandlerContext, reason: String, kind: TransportFailureKind = .other) {
        guard state == .idle || state == .handshaking else { return }
        writeToNetwork(context: context, promise: nil)
        state = .closed
        cancelTimer()
        let error = TLSError(.handshakeFailed, "\(handshakeSubject(context)) failed: \(reason)", failureKind: kind)
        failure = error
        failBufferedWrites(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    /// `TLS handshake with localhost` (client) or `TLS handshake with client 127.0.0.1:50123` (server).
    func handshakeSubject(_ context: ChannelHandlerContext) -> String {
        "TLS handshake with \(peerDescription(context))"
    }

    func peerDescription(_ context: ChannelHandlerContext) -> String {
        let address = context.channel.remoteAddress.flatMap { address -> String? in
            guard let ip = address.ipAddress, let port = address.port else { return nil }
            return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
        switch role {
        case .server:
            return "client \(address ?? "(unknown address)")"
        case .client(let serverName):
            return serverName.isEmpty ? (address ?? "server") : serverName
        }
    }

    // MARK: - Application data

    /// Decrypts everything buffered and passes it up, then sends anything OpenSSL produced.
    func decodeData(context: ChannelHandlerContext) {
        while state == .active {
            var buffer = context.channel.allocator.buffer(capacity: 16_384)
            switch connection.read(into: &buffer) {
            case .complete:
                didDeliverData = true
                readPending = false
                context.fireChannelRead(wrapInboundOut(buffer))
            case .incomplete:
                writeToNetwork(context: context, promise: nil)
                unbufferWrites(context: context)
                return
            case .closed:
                // The peer sent close_notify: answer it and close.
                beginShutdown(context: context, promise: nil)
                return
            case .failed(let failure):
                connectionFailed(context: context, reason: failure.reason, kind: failure.kind)
                return
            }
        }
    }

    /// Encrypts the flushed writes and sends them in one network write whose result completes
    /// their promises.
    func unbufferWrites(context: ChannelHandlerContext) {
        guard state == .active, flushedWriteCount > 0 else { return }
        var promises: [EventLoopPromise<Void>] = []
        writing: while flushedWriteCount > 0, let write = bufferedWrites.first {
            switch connection.write(write.data) {
            case .complete:
                bufferedWrites.removeFirst()
                flushedWriteCount -= 1
                if let promise = write.promise { promises.append(promise) }
            case .incomplete:
                // OpenSSL needs to read first (never expected with memory BIOs); retry on the next read.
                break writing
            case .closed:
                connectionFailed(context: context, reason: "the peer closed the connection (close_notify)")
                return
            case .failed(let failure):
                connectionFailed(context: context, reason: failure.reason)
                return
            }
        }
        var networkPromise: EventLoopPromise<Void>?
        if !promises.isEmpty {
            let promise = context.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenComplete { [promises] result in
                for each in promises { each.completeWith(result) }
            }
            networkPromise = promise
        }
        writeToNetwork(context: context, promise: networkPromise)
    }

    /// Reports a broken record layer and closes.
    func connectionFailed(context: ChannelHandlerContext, reason: String, kind: TransportFailureKind = .other) {
        writeToNetwork(context: context, promise: nil)
        state = .closed
        cancelTimer()
        let error = TLSError(
            .connectionFailed,
            "TLS connection with \(peerDescription(context)) failed: \(reason)",
            failureKind: kind
        )
        failure = error
        failBufferedWrites(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    // MARK: - Shutdown

    /// Sends close_notify and waits (at most the shutdown timeout) for the peer's.
    func beginShutdown(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        state = .closing
        closePromise = promise
        // Flushed writes are already encrypted; unflushed ones are dropped, as a socket would.
        failBufferedWrites(ChannelError.ioOnClosedChannel)
        startTimer(context: context, after: shutdownTimeout) { handler, context in
            handler.finishClose(context: context, completed: false)
        }
        shutdownStep(context: context)
    }

    func shutdownStep(context: ChannelHandlerContext) {
        switch connection.shutdown() {
        case .incomplete:
            writeToNetwork(context: context, promise: nil)
            // Wait for the peer's close_notify, even when autoRead is off.
            context.read()
        case .complete, .closed:
            finishClose(context: context, completed: true)
        case .failed:
            finishClose(context: context, completed: false)
        }
    }

    /// While closing: discards application data still in flight until the peer's close_notify.
    func drainWhileClosing(context: ChannelHandlerContext) {
        while state == .closing {
            var scratch = context.channel.allocator.buffer(capacity: 16_384)
            switch connection.read(into: &scratch) {
            case .complete:
                continue
            case .incomplete:
                shutdownStep(context: context)
                return
            case .closed:
                shutdownStep(context: context)
                return
            case .failed:
                finishClose(context: context, completed: false)
                return
            }
        }
    }

    /// Sends what is left and closes the socket with the pending close promise.
    func finishClose(context: ChannelHandlerContext, completed: Bool) {
        guard state == .closing else { return }
        writeToNetwork(context: context, promise: nil)
        state = .closed
        cancelTimer()
        let promise = closePromise
        closePromise = nil
        if completed {
            context.fireUserInboundEventTriggered(TLSUserEvent.shutdownCompleted)
        }
        context.close(promise: promise)
    }

    // MARK: - Helpers

    /// Writes and flushes whatever OpenSSL produced for the network; `promise` completes with
    /// that write, or at once if there was nothing to send.
    func writeToNetwork(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        if let bytes = connection.pendingOutput(allocator: context.channel.allocator) {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
        } else {
            promise?.succeed(())
        }
    }

    func failBufferedWrites(_ error: any Error) {
        flushedWriteCount = 0
        while let write = bufferedWrites.popFirst() {
            write.promise?.fail(error)
        }
    }

    func startTimer(
        context: ChannelHandlerContext,
        after delay: TimeAmount,
        _ action: @escaping (OpenSSLHandler, ChannelHandlerContext) -> Void
    ) {
        timer?.cancel()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            timer = nil
            action(self, context)
        }
    }

    /// `10s` or `250ms`.
    static func describe(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000)s" : "\(milliseconds)ms"
    }

    func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}
