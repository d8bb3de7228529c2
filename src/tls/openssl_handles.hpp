// Owning handles for OpenSSL libcrypto objects: std::unique_ptr with the object's own free
// function, one alias per type, for every file of the TLS module that calls OpenSSL.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

namespace tlsdissect {

template <typename T, void (*Free)(T*)>
struct OpensslFreer {
    void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using OpensslPtr = std::unique_ptr<T, OpensslFreer<T, Free>>;

// Certificates, chains and their verification.
using X509Ptr = OpensslPtr<X509, X509_free>;
using X509StoreCtxPtr = OpensslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
// sk_X509_free is a static inline function in the headers: a struct of its own, so the
// type is the same in every file.
struct X509StackFreer {
    void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFreer>;

// ASN.1 values and certificate extensions.
using Asn1ObjectPtr = OpensslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1StringPtr = OpensslPtr<ASN1_STRING, ASN1_STRING_free>;
using Asn1TimePtr = OpensslPtr<ASN1_TIME, ASN1_TIME_free>;
using Asn1IntegerPtr = OpensslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1EnumeratedPtr = OpensslPtr<ASN1_ENUMERATED, ASN1_ENUMERATED_free>;
using Asn1TypePtr = OpensslPtr<ASN1_TYPE, ASN1_TYPE_free>;
using Asn1BitStringPtr = OpensslPtr<ASN1_BIT_STRING, ASN1_BIT_STRING_free>;
using BignumPtr = OpensslPtr<BIGNUM, BN_free>;
using GeneralNamesPtr = OpensslPtr<GENERAL_NAMES, GENERAL_NAMES_free>;
using BasicConstraintsPtr = OpensslPtr<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>;
using PoliciesPtr = OpensslPtr<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free>;
using OcspResponsePtr = OpensslPtr<OCSP_RESPONSE, OCSP_RESPONSE_free>;
using OcspBasicPtr = OpensslPtr<OCSP_BASICRESP, OCSP_BASICRESP_free>;

// Memory BIOs, and bytes OpenSSL allocated for us (OPENSSL_free is a macro).
struct BioFreer {  // BIO_free returns an int
    void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFreer>;
struct OpensslBytesFreer {
    void operator()(unsigned char* p) const { OPENSSL_free(p); }
};
using OpensslBytesPtr = std::unique_ptr<unsigned char, OpensslBytesFreer>;

// Keys, digests, ciphers, MACs and KDFs.
using EvpPkeyPtr = OpensslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpMdPtr = OpensslPtr<EVP_MD, EVP_MD_free>;
using EvpMdCtxPtr = OpensslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using EvpCipherPtr = OpensslPtr<EVP_CIPHER, EVP_CIPHER_free>;
using EvpCipherCtxPtr = OpensslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using EvpMacPtr = OpensslPtr<EVP_MAC, EVP_MAC_free>;
using EvpMacCtxPtr = OpensslPtr<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using EvpKdfPtr = OpensslPtr<EVP_KDF, EVP_KDF_free>;
using EvpKdfCtxPtr = OpensslPtr<EVP_KDF_CTX, EVP_KDF_CTX_free>;

}  // namespace tlsdissect
