"""A real SMTP server for the outreach tests (Debian's python3-aiosmtpd).

Usage: smtp_sink.py OUTDIR
Listens on 127.0.0.1 on a free port, prints that port on one line of stdout once
it accepts connections, and writes each message it accepts to OUTDIR as N.json
({"mail_from", "rcpt_tos", "data"}; data as sent, decoded as UTF-8 with
surrogateescape, base64 in "data_b64" too) and as read back by Python's e-mail
parser ("subject", "message_id", "headers", "body", "defects"). Recipients whose local part is
"nosuchuser" are refused with 550, "tempfail" with 451. Stops on SIGTERM or when
stdin closes (so it never outlives the test that started it).
"""
import asyncio
import base64
import email
import email.policy
import json
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local == "nosuchuser":
            return "550 5.1.1 <%s>: no such user here" % address
        if local == "tempfail":
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        data = envelope.original_content or envelope.content
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": data.decode("utf-8", "surrogateescape").encode("utf-8", "replace").decode("utf-8"),
            "data_b64": base64.b64encode(data).decode("ascii"),
            "peer_port": session.peer[1] if session.peer else 0,
        }
        # Read back by Python's own e-mail parser, independent of the sender's code.
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        record["subject"] = str(parsed["subject"])
        record["message_id"] = str(parsed["message-id"])
        record["headers"] = [[k, str(v)] for k, v in parsed.items()]
        record["body"] = parsed.get_content()
        record["defects"] = [repr(d) for d in parsed.defects]
        path = os.path.join(self.outdir, "%d.json" % self.count)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(path + ".tmp", path)  # whole before the 250 below is sent
        return "250 2.0.0 Ok: queued as %d" % self.count


async def main(outdir):
    loop = asyncio.get_running_loop()
    handler = Handler(outdir)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", decode_data=False), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    loop.add_reader(sys.stdin.fileno(), lambda: stop.done() or stop.set_result(None))
    await stop
    server.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
