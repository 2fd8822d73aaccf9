"""A simulated WinRM endpoint that speaks WS-Management and PSRP to pypsrp.

It replaces pypsrp's HTTP transport (``pypsrp.wsman._TransportHTTP``) only:
everything above it (``WSMan``, ``WinRS``, ``RunspacePool``, ``PowerShell``,
the fragmenter and the CLIXML serializer) is pypsrp's real code. The endpoint
decodes what the client sends with pypsrp's own message classes, so tests see
exactly what would reach a Windows host: the script text, each parameter as
a deserialized value, and SecureStrings decrypted with the session key the
endpoint negotiated.

It does not run PowerShell. Each test registers a *behaviour*: a function of
the decoded pipeline that returns what the host would answer (output objects,
error records, warnings, an exit code, or "never finish" to test deadlines).

The message shapes follow MS-WSMV (WinRS Create/Command/Receive/Send/Signal/
Delete) and MS-PSRP 2.2.2 (SESSION_CAPABILITY, RUNSPACEPOOL_STATE,
ENCRYPTED_SESSION_KEY, PIPELINE_OUTPUT, ERROR_RECORD, WARNING_RECORD,
PIPELINE_HOST_CALL, PIPELINE_STATE), as pypsrp 0.9.1 implements them.
"""

from __future__ import annotations

import base64
import os
import struct
import threading
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pypsrp.complex_objects
import pypsrp.messages
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from pypsrp.complex_objects import PSInvocationState, RunspacePoolState
from pypsrp.exceptions import WinRMTransportError
from pypsrp.messages import Destination, Message, MessageType
from pypsrp.powershell import Fragment
from pypsrp.serializer import Serializer
from pypsrp.wsman import NAMESPACES

_OPERATION_TIMEOUT_FAULT = 2150858793
_PROTOCOL = "http"
# pypsrp's message classes have untyped constructors; use them through Any.
_MESSAGES: Any = pypsrp.messages
_OBJECTS: Any = pypsrp.complex_objects


@dataclass
class Invocation:
    """A pipeline as the endpoint received it."""

    commands: list[tuple[str, bool, dict[str, Any]]]
    """(command text, is_script, {parameter name: deserialized value}) per command."""

    @property
    def script(self) -> str:
        return self.commands[0][0]

    @property
    def parameters(self) -> dict[str, Any]:
        return self.commands[0][2]


@dataclass
class Reply:
    """What the simulated host answers to one pipeline."""

    output: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    exit_code: int | None = None
    failed: bool = False
    hang: bool = False


Behaviour = Callable[[Invocation], Reply]


@dataclass
class _RawMessage:
    message_type: int
    pid: str
    xml: bytes


def _messages(data: bytes) -> list[_RawMessage]:
    """Split client fragments into messages without deserializing client-only objects.

    pypsrp cannot deserialize some client-to-server objects (``HostInfo``), so the
    endpoint reads the headers itself and parses the CLIXML it needs.
    """
    buffers: dict[int, bytes] = {}
    complete: list[bytes] = []
    while data:
        fragment, data = Fragment.unpack(data)
        buffers[fragment.object_id] = buffers.get(fragment.object_id, b"") + fragment.data
        if fragment.end:
            complete.append(buffers.pop(fragment.object_id))
    messages = []
    for raw in complete:
        message_type = struct.unpack("<I", raw[4:8])[0]
        pid = str(uuid.UUID(bytes_le=raw[24:40])).upper()
        body = raw[40:]
        if body.startswith(b"\xef\xbb\xbf"):
            body = body[3:]
        messages.append(_RawMessage(message_type, pid, body))
    return messages


@dataclass
class _Pipeline:
    invocation: Invocation
    reply: Reply
    sent: bool = False
    stopped: bool = False


class Endpoint:
    """The server side shared by every transport a test's executor creates."""

    def __init__(self, behaviour: Behaviour, *, fail_with: Exception | None = None) -> None:
        self.behaviour = behaviour
        self.fail_with = fail_with
        """An exception every request raises (to simulate TLS, network or login failures)."""
        self.actions: list[str] = []
        self.lock = threading.Lock()
        self.transport_kwargs: list[dict[str, Any]] = []
        self.invocations: list[Invocation] = []
        self.signals: list[tuple[str, str]] = []
        self.raw_requests: list[bytes] = []
        self.value_tags: list[tuple[str, str]] = []
        """(parameter name, CLIXML tag of its value) for every parameter received."""
        self._serializer = Serializer()
        self._client_serializer = Serializer()
        self._pending_pool: list[bytes] = []
        self._pipelines: dict[str, _Pipeline] = {}
        self._pool_id = ""
        self._object_id = 1

    # transport factory -------------------------------------------------

    def transport(self, *args: Any, **kwargs: Any) -> _Transport:
        names = (
            "server", "port", "username", "password", "ssl", "path", "auth", "cert_validation",
            "connection_timeout", "encryption", "proxy", "no_proxy", "read_timeout",
        )  # fmt: skip
        recorded = dict(zip(names, args, strict=False))
        recorded.update(kwargs)
        self.transport_kwargs.append(recorded)
        return _Transport(self)

    # building messages -------------------------------------------------

    def _pack(self, data: Any, pid: str | None) -> bytes:
        msg = Message(Destination.CLIENT, self._pool_id, pid, data, self._serializer)
        return self._fragment(msg.pack())

    def _pack_output(self, text: str, pid: str) -> bytes:
        element = self._serializer.serialize(text)
        assert element is not None
        body = ET.tostring(element, encoding="utf-8", method="xml")
        header = struct.pack("<I", Destination.CLIENT) + struct.pack(
            "<I", MessageType.PIPELINE_OUTPUT
        )
        header += uuid.UUID(self._pool_id).bytes_le + uuid.UUID(pid).bytes_le
        return self._fragment(header + body)

    def _fragment(self, data: bytes) -> bytes:
        fragment = Fragment(self._object_id, 0, data, start=True, end=True).pack()
        self._object_id += 1
        return fragment

    def _error(self, text: str) -> Any:
        record = _MESSAGES.ErrorRecordMessage()
        for attribute, _meta in record._extended_properties:
            if not hasattr(record, attribute):
                setattr(record, attribute, None)
        record.fq_error = "Simulated,Error"
        record.category = 0
        record.message = f"NotSpecified: ({text}:String) [], RuntimeException"
        record.invocation = False
        record.extended_info_present = False
        record._to_string = text
        return record

    # WS-Man actions ----------------------------------------------------

    def handle(self, request: bytes) -> bytes:
        with self.lock:
            self.raw_requests.append(request)
            envelope = ET.fromstring(request)  # noqa: S314 - our own client's XML
            header = envelope.find("s:Header", NAMESPACES)
            assert header is not None
            action = header.findtext("wsa:Action", namespaces=NAMESPACES) or ""
            message_id = header.findtext("wsa:MessageID", namespaces=NAMESPACES) or ""
            body = envelope.find("s:Body", NAMESPACES)
            assert body is not None
            name = action.rsplit("/", 1)[-1]
            self.actions.append(name)
            handler = getattr(self, f"_on_{name.lower()}")
            response_body: ET.Element = handler(body)
            return _envelope(message_id, response_body)

    def _on_create(self, body: ET.Element) -> ET.Element:
        rsp = NAMESPACES["rsp"]
        shell = body.find("rsp:Shell", NAMESPACES)
        assert shell is not None
        self._pool_id = shell.attrib["ShellId"]
        creation = shell.findtext("pwsh:creationXml", namespaces=NAMESPACES) or ""
        types = [m.message_type for m in _messages(base64.b64decode(creation))]
        assert types == [MessageType.SESSION_CAPABILITY, MessageType.INIT_RUNSPACEPOOL]
        self._pending_pool.append(
            self._pack(_MESSAGES.SessionCapability("2.3", "2.0", "1.1.0.1"), None)
            + self._pack(_MESSAGES.RunspacePoolStateMessage(state=RunspacePoolState.OPENED), None)
        )
        response = ET.Element(_tag("wst", "ResourceCreated"))
        ref = ET.SubElement(response, _tag("wsa", "ReferenceParameters"))
        selectors = ET.SubElement(ref, _tag("wsman", "SelectorSet"))
        ET.SubElement(selectors, _tag("wsman", "Selector"), Name="ShellId").text = self._pool_id
        wrapper = ET.Element(_tag("s", "Body"))
        wrapper.append(response)
        shell_out = ET.SubElement(wrapper, f"{{{rsp}}}Shell")
        ET.SubElement(shell_out, f"{{{rsp}}}ShellId").text = self._pool_id
        return wrapper

    def _on_send(self, body: ET.Element) -> ET.Element:
        for stream in body.findall("rsp:Send/rsp:Stream", NAMESPACES):
            data = base64.b64decode(stream.text or "")
            for message in _messages(data):
                if message.message_type == MessageType.PUBLIC_KEY:
                    element = ET.fromstring(message.xml)  # noqa: S314 - our own client's XML
                    key = element.findtext("MS/S[@N='PublicKey']") or ""
                    self._pending_pool.append(self._session_key(key))
        return _body("SendResponse")

    def _session_key(self, public_key: str) -> bytes:
        blob = base64.b64decode(public_key)
        exponent = struct.unpack("<I", blob[16:20])[0]
        modulus = int.from_bytes(blob[20:276], "little")
        key = rsa.RSAPublicNumbers(exponent, modulus).public_key()
        session_key = os.urandom(32)
        encrypted = key.encrypt(session_key, padding.PKCS1v15())
        # A Win32 SIMPLEBLOB: 12-byte header, then the key little-endian.
        blob_out = b"\x01\x02\x00\x00\x10\x66\x00\x00\x00\xa4\x00\x00" + encrypted[::-1]
        cipher = Cipher(algorithms.AES(session_key), modes.CBC(b"\x00" * 16))
        self._client_serializer.cipher = cipher
        self._serializer.cipher = cipher
        return self._pack(_MESSAGES.EncryptedSessionKey(base64.b64encode(blob_out).decode()), None)

    def _on_command(self, body: ET.Element) -> ET.Element:
        line = body.find("rsp:CommandLine", NAMESPACES)
        assert line is not None
        command_id = line.attrib["CommandId"]
        data = base64.b64decode(line.findtext("rsp:Arguments", namespaces=NAMESPACES) or "")
        (message,) = _messages(data)
        assert message.message_type == MessageType.CREATE_PIPELINE
        element = ET.fromstring(message.xml)  # noqa: S314 - our own client's XML
        commands = []
        for cmd in element.findall("MS/Obj[@N='PowerShell']/MS/Obj[@N='Cmds']/LST/Obj"):
            text = self._client_serializer.deserialize(_child(cmd, "MS/S[@N='Cmd']"))
            is_script = cmd.findtext("MS/B[@N='IsScript']") == "true"
            parameters: dict[str, Any] = {}
            for arg in cmd.findall("MS/Obj[@N='Args']/LST/Obj"):
                name = self._client_serializer.deserialize(_child(arg, "MS/*[@N='N']"))
                value_element = _child(arg, "MS/*[@N='V']")
                self.value_tags.append((name, value_element.tag))
                parameters[name] = self._client_serializer.deserialize(value_element)
            commands.append((text, is_script, parameters))
        invocation = Invocation(commands)
        self.invocations.append(invocation)
        self._pipelines[command_id] = _Pipeline(invocation, self.behaviour(invocation))
        response = _body("CommandResponse")
        ET.SubElement(response[0], _tag("rsp", "CommandId")).text = command_id
        return response

    def _on_receive(self, body: ET.Element) -> ET.Element:
        stream = body.find("rsp:Receive/rsp:DesiredStream", NAMESPACES)
        assert stream is not None
        command_id = stream.attrib.get("CommandId")
        if command_id is None:
            data = b"".join(self._pending_pool)
            self._pending_pool.clear()
            return _receive_body(data, None)
        pipeline = self._pipelines[command_id.upper()]
        if pipeline.sent:
            return _fault(_OPERATION_TIMEOUT_FAULT)
        reply = pipeline.reply
        data = b"".join(self._pack_output(text, command_id) for text in reply.output)
        for text in reply.warnings:
            data += self._pack(_MESSAGES.WarningRecord(message=text), command_id)
        data += b"".join(self._pack(self._error(text), command_id) for text in reply.errors)
        if reply.hang:
            pipeline.sent = True
            return _receive_body(data, command_id, done=False)
        if reply.exit_code is not None:
            method = _OBJECTS.HostMethodIdentifier(value=6)  # SetShouldExit
            call = _MESSAGES.PipelineHostCall(ci=-100, mi=method, mp=[reply.exit_code])
            data += self._pack(call, command_id)
        state = PSInvocationState.FAILED if reply.failed else PSInvocationState.COMPLETED
        error = self._error("the script failed") if reply.failed else None
        data += self._pack(_MESSAGES.PipelineState(state=state, error_record=error), command_id)
        pipeline.sent = True
        return _receive_body(data, command_id, done=True)

    def _on_signal(self, body: ET.Element) -> ET.Element:
        signal = body.find("rsp:Signal", NAMESPACES)
        assert signal is not None
        code = signal.findtext("rsp:Code", namespaces=NAMESPACES) or ""
        self.signals.append((signal.attrib["CommandId"].upper(), code.rsplit("/", 1)[-1]))
        return _body("SignalResponse")

    def _on_delete(self, body: ET.Element) -> ET.Element:
        return ET.Element(_tag("s", "Body"))


class _Transport:
    """Stands in for ``pypsrp.wsman._TransportHTTP``."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint_server = endpoint
        self.endpoint = "https://simulated:5986/wsman"

    def send(self, message: bytes, **_: Any) -> bytes:
        if self.endpoint_server.fail_with is not None:
            raise self.endpoint_server.fail_with
        try:
            answer: bytes = self.endpoint_server.handle(message)
        except _FaultError as fault:
            raise WinRMTransportError(_PROTOCOL, 500, _fault_xml(fault.code)) from None
        return answer

    def close(self) -> None:
        pass


def _tag(prefix: str, name: str) -> str:
    return f"{{{NAMESPACES[prefix]}}}{name}"


def _child(element: ET.Element, path: str) -> ET.Element:
    found = element.find(path)
    assert found is not None, path
    return found


def _envelope(message_id: str, body: ET.Element) -> bytes:
    s = NAMESPACES["s"]
    envelope = ET.Element(f"{{{s}}}Envelope")
    header = ET.SubElement(envelope, f"{{{s}}}Header")
    ET.SubElement(header, _tag("wsa", "RelatesTo")).text = message_id
    if body.tag == f"{{{s}}}Body":
        envelope.append(body)
    else:
        ET.SubElement(envelope, f"{{{s}}}Body").append(body)
    data: bytes = ET.tostring(envelope, encoding="utf-8")
    return data


def _body(name: str) -> ET.Element:
    body = ET.Element(_tag("s", "Body"))
    ET.SubElement(body, _tag("rsp", name))
    return body


def _receive_body(data: bytes, command_id: str | None, *, done: bool = False) -> ET.Element:
    rsp = NAMESPACES["rsp"]
    body = ET.Element(_tag("s", "Body"))
    response = ET.SubElement(body, f"{{{rsp}}}ReceiveResponse")
    stream = ET.SubElement(response, f"{{{rsp}}}Stream", Name="stdout")
    if command_id is not None:
        stream.attrib["CommandId"] = command_id
    stream.text = base64.b64encode(data).decode()
    if command_id is not None:
        state = "Done" if done else "Running"
        ET.SubElement(
            response,
            f"{{{rsp}}}CommandState",
            CommandId=command_id,
            State=f"http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/{state}",
        )
    return body


class _FaultError(Exception):
    """Raised by a handler to answer with a WS-Man fault (HTTP 500)."""

    def __init__(self, code: int) -> None:
        self.code = code
        super().__init__(code)


def _fault(code: int) -> ET.Element:
    raise _FaultError(code)


def _fault_xml(code: int) -> str:
    s = NAMESPACES["s"]
    envelope = ET.Element(f"{{{s}}}Envelope")
    body = ET.SubElement(envelope, f"{{{s}}}Body")
    fault = ET.SubElement(body, f"{{{s}}}Fault")
    detail = ET.SubElement(fault, f"{{{s}}}Detail")
    ET.SubElement(
        detail,
        _tag("wsmanfault", "WSManFault"),
        Code=str(code),
        Machine="simulated",
    )
    return ET.tostring(envelope, encoding="unicode")
