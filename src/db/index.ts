// The data layer's public surface: modules reach the database only through what is exported here.
export { openDatabase, SQLITE_WRITE_LOCK, type Database, type Db, type OpenOptions, type StatementEvent, type Transaction, type TransactionOptions, type Tx } from "./database.js";
export { chunks, columns, empty, join, jsonArray, jsonObject, raw, sql, type Dialect, type Row, type Sql, type SqlExecutor } from "./sql.js";
export { decodeValue, modelColumns, modelDecoder, rowDecoder, type ColumnSpec, type ScalarType } from "./decode.js";
export { constraintViolation, isRecordMissing, isUniqueViolation, type ConstraintKind } from "./constraints.js";
export type { ChangeSignals } from "./changes.js";
export { providerOf, type Provider } from "./provider.js";
/** Prisma's query types (WhereInput, TransactionClient …): types only, so importing them loads nothing. */
export type { Prisma } from "../generated/prisma/client.js";
/** Writes SQL NULL into a Json column (where null alone would mean "leave unchanged"). */
export { DbNull } from "@prisma/client-runtime-utils";
