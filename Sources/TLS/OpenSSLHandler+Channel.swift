public import NIOCore

extension OpenSSLHandler: ChannelDuplexHandler {
    /// Ciphertext from the network.
    public typealias InboundIn = ByteBuffer
    /// Plaintext for the application.
    public typealias InboundOut = ByteBuffer
    /// Plaintext from the application.
    public typealias OutboundIn = ByteBuffer
    /// Ciphertext for the network.
    public typealias OutboundOut = ByteBuffer

    /// Starts the handshake if the channel is already active.
    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            startHandshake(context: context)
        }
    }

    /// Fails writes that were never sent and stops any timer.
    public func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        failBufferedWrites(ChannelError.ioOnClosedChannel)
    }

    /// Passes the event on, then starts the handshake.
    public func channelActive(context: ChannelHandlerContext) {
        // Fired first on purpose: a failing handshake closes the channel, and the handlers after
        // this one should see channelActive before channelInactive.
        context.fireChannelActive()
        startHandshake(context: context)
    }

    /// Ends the connection; a close mid-handshake is reported as a handshake failure.
    public func channelInactive(context: ChannelHandlerContext) {
        let previous = state
        state = .closed
        cancelTimer()
        switch previous {
        case .handshaking:
            // A client that got nothing back may have dialled a plain-TCP port that hung up on it.
            let unansweredClient = !receivedBytes && role != .server
            let error = TLSError(
                .handshakeFailed,
                "\(handshakeSubject(context)) failed: the connection closed before the handshake completed"
                    + (unansweredClient ? ", without a TLS answer (is TLS enabled on that port?)" : "")
            )
            failure = error
            failBufferedWrites(error)
            context.fireErrorCaught(error)
        case .closing:
            // The peer closed the socket instead of answering our close_notify: we are closed all the same.
            failBufferedWrites(ChannelError.ioOnClosedChannel)
            let promise = closePromise
            closePromise = nil
            promise?.succeed(())
        case .idle, .active, .closed:
            // After the handshake, EOF without close_notify ends the connection quietly
            // (SSL_OP_IGNORE_UNEXPECTED_EOF semantics).
            failBufferedWrites(ChannelError.ioOnClosedChannel)
        }
        context.fireChannelInactive()
    }

    /// Feeds ciphertext to OpenSSL and advances the handshake, the data stream or the shutdown.
    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        if !receivedBytes {
            receivedBytes = true
            if refusePlaintext(context: context, firstBytes: bytes) { return }
        }
        connection.consume(bytes)
        switch state {
        case .idle:
            startHandshake(context: context)
            if state == .active { decodeData(context: context) }
        case .handshaking:
            handshakeStep(context: context)
            if state == .active { decodeData(context: context) }
        case .active:
            decodeData(context: context)
        case .closing:
            drainWhileClosing(context: context)
        case .closed:
            break
        }
    }

    /// Passes the event on if plaintext went up; otherwise, with `autoRead` off, reads again if
    /// a handler above is still waiting for data, so its `read()` is not lost on a record that
    /// held none.
    public func channelReadComplete(context: ChannelHandlerContext) {
        writeToNetwork(context: context, promise: nil)
        if didDeliverData {
            didDeliverData = false
            context.fireChannelReadComplete()
        } else if readPending, state == .handshaking || state == .active, !isAutoRead(context) {
            context.read()
        }
    }

    /// Buffers the plaintext until flushed (and until the handshake completes); fails it once
    /// closing, with the handshake or connection error if there was one.
    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data)
        switch state {
        case .closing, .closed:
            promise?.fail(failure ?? ChannelError.ioOnClosedChannel)
        case .idle, .handshaking, .active:
            bufferedWrites.append(BufferedWrite(data: bytes, promise: promise))
        }
    }

    /// Encrypts and sends the buffered writes once the handshake has completed.
    public func flush(context: ChannelHandlerContext) {
        flushedWriteCount = bufferedWrites.count
        unbufferWrites(context: context)
    }

    /// Passed on: the channel reads only when asked, as without TLS.
    public func read(context: ChannelHandlerContext) {
        readPending = true
        context.read()
    }

    /// Sends close_notify and closes once the peer answers or the shutdown timeout passes.
    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .input {
            context.close(mode: .input, promise: promise)
            return
        }
        switch state {
        case .idle, .handshaking:
            state = .closed
            cancelTimer()
            failBufferedWrites(ChannelError.ioOnClosedChannel)
            context.close(mode: .all, promise: promise)
        case .active:
            beginShutdown(context: context, promise: promise)
        case .closing:
            if let promise {
                if let closePromise {
                    closePromise.futureResult.cascade(to: promise)
                } else {
                    closePromise = promise
                }
            }
        case .closed:
            context.close(mode: mode, promise: promise)
        }
    }

    /// Passes every user event on.
    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
    }

    private func isAutoRead(_ context: ChannelHandlerContext) -> Bool {
        (try? context.channel.syncOptions?.getOption(.autoRead)) ?? true
    }
}
