// Medusa's test runners need MikroORM's metadata cleared between test files.
const { MetadataStorage } = require("@medusajs/framework/mikro-orm/core")
MetadataStorage.clear()
