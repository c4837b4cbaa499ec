// The data layer's public surface: modules reach the database only through what is exported here.
export { openDatabase, type Database, type Db, type OpenOptions, type StatementEvent, type Transaction, type TransactionOptions, type Tx } from "./database.js";
export { chunks, columns, empty, join, raw, sql, type Dialect, type Row, type Sql, type SqlExecutor } from "./sql.js";
export { decodeValue, modelColumns, modelDecoder, rowDecoder, type ColumnSpec, type ScalarType } from "./decode.js";
export { constraintViolation, isRecordMissing, isUniqueViolation, type ConstraintKind } from "./constraints.js";
export type { ChangeSignals } from "./changes.js";
export { providerOf, type Provider } from "./provider.js";
export { Prisma } from "../generated/prisma/client.js";
