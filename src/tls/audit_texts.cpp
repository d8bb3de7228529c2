// The one-line reasons of --audit findings, in English and Chinese, keyed by finding
// id (a few ids have a second text for a second case: "id.case"). Placeholders in
// braces are filled with names, numbers and dates that read the same in both languages.
#include "tls/audit.hpp"

namespace tlsdissect {

namespace {

constexpr AuditText kAuditTexts[] = {
    {"old_protocol",
     "{version} was negotiated; it has known attacks (BEAST, POODLE) and current clients no longer accept it",
     "协商使用了 {version}；该版本有已知攻击（BEAST、POODLE），现代客户端已不再接受"},
    {"weak_cipher_offered",
     "the client offered {count} weak cipher suite(s), e.g. {suite}; a server that prefers them could pick one",
     "客户端提供了 {count} 个弱密码套件（如 {suite}）；偏好它们的服务器可能会选中"},
    {"weak_cipher_chosen",
     "the server chose {suite}, whose encryption is broken or absent (NULL, EXPORT, RC4, DES/3DES or anonymous)",
     "服务器选择了 {suite}，其加密已被攻破或根本不存在（NULL、EXPORT、RC4、DES/3DES 或匿名）"},
    {"no_forward_secrecy",
     "{suite} uses RSA key exchange: whoever later obtains the server's private key can decrypt this recorded session",
     "{suite} 使用 RSA 密钥交换：日后拿到服务器私钥的人即可解密这次被录下的会话（无前向保密）"},
    {"weak_dh_group",
     "the server's Diffie-Hellman group has only {bits} bits (under 2048): within reach of precomputation (Logjam)",
     "服务器的 Diffie-Hellman 群只有 {bits} 位（不足 2048 位），可被预计算攻破（Logjam）"},
    {"compression",
     "the server chose TLS compression ({method}); the length of compressed secrets leaks them (CRIME)",
     "服务器启用了 TLS 压缩（{method}）；压缩后的长度会泄露机密内容（CRIME 攻击）"},
    {"insecure_renegotiation",
     "the Server Hello has no renegotiation_info (RFC 5746): renegotiation can splice an attacker's request in front of the client's (CVE-2009-3555)",
     "服务器的 Server Hello 没有 renegotiation_info：攻击者可借重协商把自己的请求拼接在客户端请求之前（CVE-2009-3555）"},
    {"no_extended_master_secret",
     "no extended master secret: the keys are not bound to this handshake, so a man in the middle can sync two sessions (triple handshake)",
     "未使用扩展主密钥（extended master secret）：密钥没有绑定到本次握手，中间人可让两个会话同步（三次握手攻击）"},
    {"heartbeat",
     "both sides negotiated the heartbeat extension; it has no use over TCP and was the door for Heartbleed",
     "双方协商了 heartbeat 扩展；它在 TCP 上没有用处，却正是 Heartbleed 的入口"},
    {"heartbleed_attempt",
     "a heartbeat request claims a longer payload than its record holds: a Heartbleed over-read that makes a vulnerable peer send back its memory (CVE-2014-0160)",
     "心跳消息声称的负载长度超过了所在记录的长度：这是 Heartbleed 越界读取攻击，存在漏洞的一方会把自己的内存发回（CVE-2014-0160）"},
    {"cbc_in_ssl3",
     "SSL 3.0 with the CBC suite {suite}: its padding is not checked, so a man in the middle can decrypt byte by byte (POODLE)",
     "SSL 3.0 搭配 CBC 套件 {suite}：其填充不受校验，中间人可逐字节解密（POODLE）"},
    {"export_rsa",
     "the server chose the export-grade RSA suite {suite} with a 512-bit key, breakable in hours (FREAK)",
     "服务器选择了出口级 RSA 套件 {suite}，其 512 位密钥几小时即可破解（FREAK）"},
    {"sslv2_hello",
     "the client sent an SSL 2.0 format Client Hello; servers that still speak SSL 2.0 expose their RSA key (DROWN)",
     "客户端发送了 SSL 2.0 格式的 Client Hello；仍支持 SSL 2.0 的服务器会暴露其 RSA 密钥（DROWN）"},
    {"weak_key",
     "the certificate {subject} has a {bits}-bit {alg} key (RSA and DSA need 2048, EC 256 bits)",
     "证书 {subject} 的 {alg} 公钥只有 {bits} 位（RSA 和 DSA 至少 2048 位，EC 至少 256 位）"},
    {"weak_signature",
     "the certificate {subject} is signed with {alg}; MD5 and SHA-1 collisions allow forged certificates",
     "证书 {subject} 使用 {alg} 签名；MD5 与 SHA-1 可被碰撞，可据此伪造证书"},
    {"weak_signature.ske",
     "the server signed its key exchange with {alg}; MD5 and SHA-1 are no longer collision resistant",
     "服务器用 {alg} 签名其密钥交换参数；MD5 与 SHA-1 已不再抗碰撞"},
    {"cert_expired",
     "the certificate {subject} expired on {date}, before this capture; a client that went on did not check it",
     "证书 {subject} 已于 {date} 过期（早于抓包时间）；继续连接的客户端没有检查有效期"},
    {"cert_not_yet_valid",
     "the certificate {subject} is valid only from {date}, after this capture; the server clock or the certificate is wrong",
     "证书 {subject} 要到 {date} 才生效（晚于抓包时间）；服务器时钟或证书有误"},
    {"name_mismatch",
     "the client asked for {sni} but the certificate's subjectAltName does not name it: a client that went on could be talking to anyone",
     "客户端请求的是 {sni}，但证书的 subjectAltName 中没有这个名字：继续连接的客户端可能在和任何人通信"},
    {"downgrade_sentinel",
     "the Server Hello random ends with the downgrade sentinel although the client offered TLS 1.3: a TLS 1.3 client must abort (RFC 8446 4.1.3)",
     "客户端支持 TLS 1.3，但 Server Hello 随机数以降级标记结尾：TLS 1.3 客户端必须中止连接（RFC 8446 4.1.3）"},
    {"downgrade_sentinel.info",
     "the Server Hello random ends with the downgrade sentinel: the server supports a newer version than this client offered",
     "Server Hello 随机数以降级标记结尾：服务器支持比客户端所提供的更新的版本"},
    {"fallback_scsv",
     "the client sent TLS_FALLBACK_SCSV: this is a retry with a lower version after a failed attempt, maybe forced by an attacker",
     "客户端发送了 TLS_FALLBACK_SCSV：这是失败后以更低版本重试，可能是攻击者迫使的降级"},
};

}  // namespace

std::span<const AuditText> audit_texts() { return kAuditTexts; }

}  // namespace tlsdissect
