// A small STOMP 1.2 client over a plain WebSocket, for the sample's STOMP page: CONNECT,
// SUBSCRIBE, SEND, and the MESSAGE, RECEIPT and ERROR frames that come back. No heartbeats
// (it asks for none), no transactions, no acknowledgements: the sample needs none of them.
// Spring sends one frame per WebSocket message, which is what this client expects.
"use strict";

const StompClient = (() => {
	const encoder = new TextEncoder();

	function escape(value) {
		return String(value).replace(/\\/g, "\\\\").replace(/\r/g, "\\r").replace(/\n/g, "\\n").replace(/:/g, "\\c");
	}

	function unescape(value) {
		return value.replace(/\\(.)/g, (match, c) => ({ "\\": "\\", r: "\r", n: "\n", c: ":" })[c] ?? match);
	}

	function frame(command, headers, body) {
		const lines = [command];
		for (const [name, value] of Object.entries(headers)) {
			// CONNECT and CONNECTED headers are not escaped (STOMP 1.2)
			lines.push(command === "CONNECT" ? name + ":" + value : escape(name) + ":" + escape(value));
		}
		return lines.join("\n") + "\n\n" + (body || "") + "\0";
	}

	// One frame from the text of one WebSocket message; null for a heartbeat (a lone EOL)
	function parse(data) {
		const text = data.replace(/^(\r?\n)+/, "");
		if (text === "") {
			return null;
		}
		const end = text.indexOf("\n\n");
		const head = (end >= 0 ? text.substring(0, end) : text).split(/\r?\n/);
		const command = head.shift();
		const headers = {};
		for (const line of head) {
			const colon = line.indexOf(":");
			const name = command === "CONNECTED" ? line.substring(0, colon) : unescape(line.substring(0, colon));
			if (!(name in headers)) { // the first of repeated headers wins
				headers[name] = command === "CONNECTED" ? line.substring(colon + 1) : unescape(line.substring(colon + 1));
			}
		}
		let body = end >= 0 ? text.substring(end + 2) : "";
		const nul = body.lastIndexOf("\0");
		body = nul >= 0 ? body.substring(0, nul) : body;
		return { command, headers, body };
	}

	class Client {
		constructor(url, handlers) {
			this.handlers = handlers; // onConnected(headers), onError(frame), onClose(event)
			this.subscriptions = new Map();
			this.nextId = 0;
			this.socket = new WebSocket(url);
			this.socket.onopen = () => this.socket.send(frame("CONNECT",
				{ "accept-version": "1.2", host: location.hostname, "heart-beat": "0,0" }));
			this.socket.onmessage = (event) => this.receive(parse(event.data));
			this.socket.onclose = (event) => this.handlers.onClose && this.handlers.onClose(event);
		}

		receive(received) {
			if (!received) {
				return;
			}
			switch (received.command) {
				case "CONNECTED":
					this.handlers.onConnected && this.handlers.onConnected(received.headers);
					break;
				case "MESSAGE": {
					const callback = this.subscriptions.get(received.headers.subscription);
					if (callback) {
						callback(received.body, received.headers);
					}
					break;
				}
				case "ERROR":
					this.handlers.onError && this.handlers.onError(received);
					break;
				default:
					// RECEIPT and anything else: the page asks for no receipts
			}
		}

		subscribe(destination, callback) {
			const id = "sub-" + this.nextId++;
			this.subscriptions.set(id, callback);
			this.socket.send(frame("SUBSCRIBE", { id: id, destination: destination }));
			return id;
		}

		send(destination, body, contentType) {
			this.socket.send(frame("SEND", {
				destination: destination,
				"content-type": contentType || "text/plain;charset=UTF-8",
				// In bytes of UTF-8, as the WebSocket sends the text
				"content-length": encoder.encode(body).length
			}, body));
		}

		isOpen() {
			return this.socket.readyState === WebSocket.OPEN;
		}
	}

	return { Client, frame, parse };
})();
