#!/usr/bin/python3
"""Baraza from Python: a mediator files a dispute, the respondent's liaison watches
its notices and answers the call to negotiate.

Stubs are generated from proto/ at run time (Debian's python3-grpc-tools) into a
temporary folder, so the example always matches the server it was cloned with.
Run it against `./deploy/run.sh` from the top of the clone:

    /usr/bin/python3 examples/python/baraza_example.py

See examples/python/README.md. Exit status 0 when the liaison saw the call to
negotiate of the case the mediator filed; 1 otherwise.
"""
import argparse
import importlib
import os
import sys
import tempfile
import time

import grpc
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_FILES = ["baraza/v1/types.proto", "baraza/v1/baraza.proto"]


def generate_stubs(proto_dir, out_dir):
    """Compiles proto/ to Python in out_dir; returns the types, the messages of the
    services, and the services' stubs."""
    # grpc_tools ships google/protobuf/*.proto (duration, timestamp) beside itself.
    well_known = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    for proto in PROTO_FILES:
        code = protoc.main(["grpc_tools.protoc", "-I" + proto_dir, "-I" + well_known,
                            "--python_out=" + out_dir, "--grpc_python_out=" + out_dir,
                            os.path.join(proto_dir, proto)])
        if code != 0:
            sys.exit(f"error: could not compile {proto} from {proto_dir}")
    sys.path.insert(0, out_dir)
    return (importlib.import_module("baraza.v1.types_pb2"),
            importlib.import_module("baraza.v1.baraza_pb2"),
            importlib.import_module("baraza.v1.baraza_pb2_grpc"))


def read_token(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError as e:
        sys.exit(f"error: cannot read the mediator token file {path} ({e.strerror}); "
                 "./deploy/run.sh writes var/mediator.token on the first start")


class Caller:
    """One role's stubs: every call carries `authorization: Bearer <token>`."""

    def __init__(self, channel, grpc_mod, token, timeout):
        self.metadata = [("authorization", "Bearer " + token)]
        self.timeout = timeout
        self.groups = grpc_mod.ContactGroupServiceStub(channel)
        self.cases = grpc_mod.CaseServiceStub(channel)
        self.notices = grpc_mod.NoticeServiceStub(channel)

    def call(self, method, request):
        return method(request, metadata=self.metadata, timeout=self.timeout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=os.environ.get("BARAZA_SERVER", "127.0.0.1:50051"),
                        help="barazad's address (default: $BARAZA_SERVER or 127.0.0.1:50051)")
    parser.add_argument("--token-file", default="var/mediator.token",
                        help="the mediator's token file (default: var/mediator.token)")
    parser.add_argument("--ca", help="PEM CA of barazad's TLS certificate; plaintext without it "
                                     "(loopback only)")
    parser.add_argument("--proto-dir", default=os.path.join(HERE, "..", "..", "proto"),
                        help="the proto/ folder of the clone (default: ../../proto from here)")
    parser.add_argument("--timeout", type=float, default=20.0,
                        help="seconds each call, and the watch, may take (default: 20)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="baraza-stubs-") as stubs:
        types, pb, pb_grpc = generate_stubs(os.path.abspath(args.proto_dir), stubs)
        if args.ca:
            with open(args.ca, "rb") as f:
                channel = grpc.secure_channel(args.server, grpc.ssl_channel_credentials(f.read()))
        else:
            channel = grpc.insecure_channel(args.server)
        with channel:
            try:
                return run(types, pb, pb_grpc, channel, args)
            except grpc.RpcError as e:
                print(f"error: {e.code().name}: {e.details()}", file=sys.stderr)
                if e.code() == grpc.StatusCode.UNAVAILABLE:
                    print(f"is barazad running on {args.server}? ./deploy/run.sh starts it",
                          file=sys.stderr)
                return 1


def run(t, pb, pb_grpc, channel, args):
    mediator = Caller(channel, pb_grpc, read_token(args.token_file), args.timeout)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")

    # Mediator: a contact group, two parties, a liaison for the respondent.
    group = mediator.call(mediator.groups.CreateContactGroup, pb.CreateContactGroupRequest(
        name=f"Python example group ({stamp})", kind=t.GROUP_KIND_AD_HOC,
        purpose="Made by examples/python/baraza_example.py"))
    print(f"mediator: created contact group {group.id} \"{group.name}\"")
    council = mediator.call(mediator.groups.AddParty, pb.AddPartyRequest(
        group_id=group.id, name="Beledweyne Elders' Council",
        category=t.PARTY_CATEGORY_CIVIL_SOCIETY))
    militia = mediator.call(mediator.groups.AddParty, pb.AddPartyRequest(
        group_id=group.id, name="River Road Militia", category=t.PARTY_CATEGORY_ARMED_FACTION))
    print(f"mediator: added parties {council.id} ({council.name}) and {militia.id} ({militia.name})")
    registered = mediator.call(mediator.groups.RegisterLiaison, pb.RegisterLiaisonRequest(
        party_id=militia.id, name="Faadumo Ali"))
    print(f"mediator: registered liaison {registered.liaison.id} for party {militia.id} "
          "(its token is handed over securely; here it stays in memory)")

    # Mediator: the council files a dispute against the militia, with a one-day window.
    # request_id makes a retry of this call safe: the server answers it once.
    request = pb.FileDisputeRequest(
        group_id=group.id, title="Tolls at the river crossing",
        description="Traders are stopped and charged at the bridge on the river road.",
        standards=[t.STANDARD_PEACE_AGREEMENT], dimension=t.OPERATIONAL_DIMENSION_INFRASTRUCTURE,
        filed_by_party_id=council.id, respondent_party_ids=[militia.id],
        request_id=f"python-example-{group.id}")
    request.window.seconds = 86400
    dispute = mediator.call(mediator.cases.FileDispute, request)
    print(f"mediator: filed dispute case {dispute.id} \"{dispute.title}\" "
          f"({t.CaseState.Name(dispute.state)})")

    # Liaison: watch the party's notices from the first one (after_notice_id=0, so none
    # is missed however late the watch starts), until the case's call to negotiate.
    liaison = Caller(channel, pb_grpc, registered.token, args.timeout)
    seen = None
    stream = liaison.notices.WatchNotices(pb.WatchNoticesRequest(after_notice_id=0),
                                          metadata=liaison.metadata, timeout=args.timeout)
    try:
        for notice in stream:
            first_line = notice.text.split("\n", 1)[0]
            print(f"liaison: notice {notice.id} for case {notice.case_id}: "
                  f"{t.NoticeKind.Name(notice.kind)}: {first_line}")
            if notice.case_id == dispute.id and notice.kind == t.NOTICE_KIND_CALL_TO_NEGOTIATE:
                seen = notice
                break
    finally:
        stream.cancel()
    if seen is None:
        print(f"error: the liaison saw no call to negotiate for case {dispute.id}", file=sys.stderr)
        return 1
    print(f"liaison: saw the call to negotiate of case {dispute.id}"
          + (f", answer due {seen.deadline.ToJsonString()}" if seen.HasField("deadline") else ""))

    # Liaison: answer it, seen by the whole group.
    answered = liaison.call(liaison.cases.RespondToNotice, pb.RespondToNoticeRequest(
        case_id=dispute.id, visibility=t.VISIBILITY_GROUP,
        position="We will lift the toll and meet the elders at the bridge on Friday.",
        request_id=f"python-example-answer-{dispute.id}"))
    print(f"liaison: answered; case {answered.id} is {t.CaseState.Name(answered.state)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
