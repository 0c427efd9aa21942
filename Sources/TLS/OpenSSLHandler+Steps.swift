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

    /// Decrypts every record buffered and passes the plaintext up in one read, then sends
    /// anything OpenSSL produced. Reads stop once OpenSSL holds nothing more to work on, so the
    /// usual pass makes no call that can only fail for want of bytes.
    func decodeData(context: ChannelHandlerContext) {
        guard state == .active else { return }
        var plaintext = context.channel.allocator.buffer(capacity: connection.plaintextBound)
        var outcome = SSLResult<Int>.incomplete
        while connection.hasInput {
            outcome = connection.read(into: &plaintext)
            guard case .complete = outcome else { break }
        }
        if plaintext.readableBytes > 0 {
            didDeliverData = true
            readPending = false
            context.fireChannelRead(wrapInboundOut(plaintext))
        }
        switch outcome {
        case .complete, .incomplete:
            writeToNetwork(context: context, promise: nil)
            unbufferWrites(context: context)
        case .closed:
            // The peer sent close_notify: answer it and close (unless a handler above already did).
            if state == .active { beginShutdown(context: context, promise: nil) }
        case .failed(let failure):
            if state == .active { connectionFailed(context: context, reason: failure.reason, kind: failure.kind) }
        }
    }

    /// Encrypts the flushed writes together, as few records as their size allows (one per
    /// 16 KiB, not one per write), and sends them in one network write whose result completes
    /// their promises.
    func unbufferWrites(context: ChannelHandlerContext) {
        guard state == .active, flushedWriteCount > 0 else { return }
        let pending = takeFlushedWrites(allocator: context.channel.allocator, eventLoop: context.eventLoop)
        switch connection.write(pending.data) {
        case .complete:
            writeToNetwork(context: context, promise: pending.promise)
        case .incomplete:
            // OpenSSL needs to read first (never expected with memory BIOs); retry on the next read.
            bufferedWrites.prepend(pending)
            flushedWriteCount = 1
        case .closed:
            bufferedWrites.prepend(pending)
            flushedWriteCount = 1
            connectionFailed(context: context, reason: "the peer closed the connection (close_notify)")
        case .failed(let failure):
            bufferedWrites.prepend(pending)
            flushedWriteCount = 1
            connectionFailed(context: context, reason: failure.reason)
        }
    }

    /// Removes the flushed writes from the buffer as one: their bytes in a single buffer (the
    /// write itself when there is only one) and a promise that completes all of theirs.
    func takeFlushedWrites(allocator: ByteBufferAllocator, eventLoop: any EventLoop) -> BufferedWrite {
        let count = flushedWriteCount
        flushedWriteCount = 0
        if count == 1, let only = bufferedWrites.popFirst() {
            return only
        }
        var data = allocator.buffer(capacity: bufferedWrites.prefix(count).reduce(0) { $0 + $1.data.readableBytes })
        var promises: [EventLoopPromise<Void>] = []
        for _ in 0..<count {
            let write = bufferedWrites.removeFirst()
            data.writeImmutableBuffer(write.data)
            if let promise = write.promise { promises.append(promise) }
        }
        guard !promises.isEmpty else { return BufferedWrite(data: data, promise: nil) }
        let promise = eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { [promises] result in
            for each in promises { each.completeWith(result) }
        }
        return BufferedWrite(data: data, promise: promise)
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
