// Constants of the MySQL/MariaDB client/server protocol: capability flags, commands, server
// status flags, column types and character sets. Plain values; no state.
//
// Capabilities are carried as 64 bits: the low 32 are the standard MySQL flags, the high 32
// are MariaDB's extended capabilities (sent in the reserved bytes of the greeting and of the
// handshake response, only when the server does not set kClientMysql).
#pragma once

#include <cstdint>

namespace sidecar::protocol {

// Capability flags (CLIENT_*).
inline constexpr uint64_t kClientLongPassword = 1;  // MariaDB calls it CLIENT_MYSQL
inline constexpr uint64_t kClientMysql = 1;
inline constexpr uint64_t kClientFoundRows = 1u << 1;
inline constexpr uint64_t kClientLongFlag = 1u << 2;
inline constexpr uint64_t kClientConnectWithDb = 1u << 3;
inline constexpr uint64_t kClientProtocol41 = 1u << 9;
inline constexpr uint64_t kClientInteractive = 1u << 10;
inline constexpr uint64_t kClientSsl = 1u << 11;
inline constexpr uint64_t kClientTransactions = 1u << 13;
inline constexpr uint64_t kClientSecureConnection = 1u << 15;
inline constexpr uint64_t kClientMultiStatements = 1u << 16;
inline constexpr uint64_t kClientMultiResults = 1u << 17;
inline constexpr uint64_t kClientPsMultiResults = 1u << 18;
inline constexpr uint64_t kClientPluginAuth = 1u << 19;
inline constexpr uint64_t kClientConnectAttrs = 1u << 20;
inline constexpr uint64_t kClientPluginAuthLenencData = 1u << 21;
inline constexpr uint64_t kClientSessionTrack = 1u << 23;
inline constexpr uint64_t kClientDeprecateEof = 1u << 24;
// MariaDB extended capabilities (high 32 bits).
inline constexpr uint64_t kMariaDbClientProgress = 1ull << 32;
inline constexpr uint64_t kMariaDbClientStmtBulkOperations = 1ull << 34;
inline constexpr uint64_t kMariaDbClientExtendedTypeInfo = 1ull << 35;
inline constexpr uint64_t kMariaDbClientCacheMetadata = 1ull << 36;

// Command bytes (COM_*), the first byte of a client packet in the command phase.
inline constexpr uint8_t kComQuit = 0x01;
inline constexpr uint8_t kComInitDb = 0x02;
inline constexpr uint8_t kComQuery = 0x03;
inline constexpr uint8_t kComStatistics = 0x09;
inline constexpr uint8_t kComProcessKill = 0x0C;
inline constexpr uint8_t kComPing = 0x0E;
inline constexpr uint8_t kComBinlogDump = 0x12;
inline constexpr uint8_t kComRegisterSlave = 0x15;
inline constexpr uint8_t kComSetOption = 0x1B;
inline constexpr uint8_t kComBinlogDumpGtid = 0x1E;

// Server status flags (SERVER_STATUS_*).
inline constexpr uint16_t kServerStatusInTrans = 0x0001;
inline constexpr uint16_t kServerStatusAutocommit = 0x0002;
inline constexpr uint16_t kServerMoreResultsExist = 0x0008;

// Column types used by the result-set writer.
inline constexpr uint8_t kTypeLongLong = 0x08;
inline constexpr uint8_t kTypeVarString = 0xFD;

// Character sets (collation ids).
inline constexpr uint8_t kCharsetLatin1 = 8;
inline constexpr uint8_t kCharsetUtf8Mb4GeneralCi = 45;
inline constexpr uint8_t kCharsetBinary = 63;

// Packet header bytes.
inline constexpr uint8_t kOkHeader = 0x00;
inline constexpr uint8_t kAuthMoreDataHeader = 0x01;
inline constexpr uint8_t kEofHeader = 0xFE;  // also AuthSwitchRequest, and OK with DEPRECATE_EOF
inline constexpr uint8_t kErrHeader = 0xFF;

}  // namespace sidecar::protocol
