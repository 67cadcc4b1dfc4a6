"""Sign a PDF (PAdES) through cloudseal's CSC API with pyHanko's unmodified CSCSigner.

The only code of ours here is what every CSC integrator writes: an authorisation manager
that sends the PIN and the one-time code (computed from the holder's TOTP seed, as their
authenticator app would) to credentials/authorize. Then pyHanko checks its own result.

usage: sign_pdf.py BASE_URL ACCESS_TOKEN CREDENTIAL_ID PIN TOTP_SECRET ROOT_PEM IN_PDF OUT_PDF [pss]
prints one JSON line: pyHanko's verdict on the signature it made. With `pss`, an RSA key signs
with RSASSA-PSS (pyHanko's prefer_pss: the longest salt the key has room for).
"""

import asyncio
import base64
import hashlib
import hmac
import json
import struct
import sys
import time

import aiohttp
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers import csc_signer
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def totp(secret, at):
    """RFC 6238 with SHA-1, 6 digits, 30-second steps."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class PinAndCode(csc_signer.CSCAuthorizationManager):
    """Authorise exactly the hashes pyHanko is about to sign (SCAL2)."""

    def __init__(self, session_info, credential_info, http, pin, secret):
        super().__init__(session_info, credential_info)
        self.http = http
        self.pin = pin
        self.secret = secret

    async def authorize_signature(self, hash_b64s):
        # The next step's code: the enrolment already spent the current one.
        request = self.format_csc_auth_request(
            pin=self.pin, otp=totp(self.secret, time.time() + 30), hash_b64s=hash_b64s
        )
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        async with self.http.post(
            url, headers=self.auth_headers, json=request, raise_for_status=True
        ) as response:
            return self.parse_csc_auth_response(await response.json())


async def main(base, token, credential, pin, secret, root_pem, src, dst, padding=""):
    session_info = csc_signer.CSCServiceSessionInfo(base, credential, oauth_token=token)
    async with aiohttp.ClientSession() as http:
        credential_info = await csc_signer.fetch_certs_in_csc_credential(http, session_info)
        signer = csc_signer.CSCSigner(
            http,
            PinAndCode(session_info, credential_info, http, pin, secret),
            prefer_pss=padding == "pss",
        )
        meta = signers.PdfSignatureMetadata(
            field_name="Signature1",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason="cloudseal CSC interoperability test",
        )
        with open(src, "rb") as f:
            out = await signers.async_sign_pdf(
                IncrementalPdfFileWriter(f), meta, signer=signer
            )
        with open(dst, "wb") as f:
            f.write(out.getvalue())

    with open(dst, "rb") as f:
        signature = PdfFileReader(f).embedded_signatures[0]
        context = ValidationContext(
            trust_roots=[load_cert_from_pemder(root_pem)], allow_fetching=False
        )
        status = await async_validate_pdf_signature(signature, context)
    print(
        json.dumps(
            {
                "intact": status.intact,
                "valid": status.valid,
                "trusted": status.trusted,
                "coverage": status.coverage.name,
                "signer": status.signing_cert.subject.human_friendly,
                "md_algorithm": status.md_algorithm,
                "pkcs7_signature_mechanism": status.pkcs7_signature_mechanism,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:10]))
