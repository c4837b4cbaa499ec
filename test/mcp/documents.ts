// GraphQL operations shared by the MCP tests.
import { graphql } from "../gql/index.js";

export const RegisterMcpServer = graphql(`
  mutation RegisterMcpServer($input: McpServerInput, $serverJson: JSON) {
    registerMcpServer(input: $input, serverJson: $serverJson) {
      __typename
      ... on RegisterMcpServerPayload {
        server {
          id
          name
          shortName
          title
          version
          websiteUrl
          repository { url source subfolder }
          packages {
            registryType
            identifier
            version
            runtimeHint
            transport { type url }
            packageArguments { type name value }
            environmentVariables { name isRequired isSecret default }
          }
          remotes { type url headers { name isSecret } }
          serverJson
          missingEnv
        }
      }
      ... on Error { message }
      ... on AlreadyExistsError { field value }
      ... on InvalidInputError { field }
    }
  }
`);

export const UpdateMcpServer = graphql(`
  mutation UpdateMcpServer($id: ID!, $input: McpServerInput, $serverJson: JSON) {
    updateMcpServer(id: $id, input: $input, serverJson: $serverJson) {
      __typename
      ... on UpdateMcpServerPayload { server { id name version description } }
      ... on Error { message }
    }
  }
`);

export const RemoveMcpServer = graphql(`
  mutation RemoveMcpServer($id: ID!) {
    removeMcpServer(id: $id) {
      __typename
      ... on RemoveMcpServerPayload { removedServerId name }
      ... on Error { message }
      ... on InvalidInputError { field }
    }
  }
`);

export const SetMcpServerEnv = graphql(`
  mutation SetMcpServerEnv($id: ID!, $values: [McpEnvValueInput!]!) {
    setMcpServerEnv(id: $id, values: $values) {
      __typename
      ... on SetMcpServerEnvPayload {
        server { id missingEnv env { name declared isSecret isSet value isRequired default } }
      }
      ... on Error { message }
      ... on InvalidInputError { field }
    }
  }
`);

export const McpServers = graphql(`
  query McpServers($first: Int, $search: String) {
    mcpServers(first: $first, search: $search) {
      totalCount
      edges {
        node {
          id
          name
          missingEnv
          env { name isSet isSecret value }
          deployments { settingsPath entryName }
          health { status latencyMs toolCount errorCount checkedAt }
        }
      }
    }
  }
`);

export const McpServerByName = graphql(`
  query McpServerByName($name: String!) {
    mcpServer(name: $name) {
      id
      name
      serverJson
      env { name isSecret isSet value }
      health {
        status
        latencyMs
        toolCount
        serverInfo { name version }
        protocolVersion
        checkedAt
        lastSeen
        errorCount
        recentErrors { at message }
      }
      healthHistory(first: 20) { totalCount edges { node { status latencyMs toolCount error checkedAt } } }
    }
  }
`);

export const DeployMcpServer = graphql(`
  mutation DeployMcpServer($id: ID!, $input: DeployMcpServerInput) {
    deployMcpServer(id: $id, input: $input) {
      __typename
      ... on McpSettingsUpdate { settingsPath entryName dryRun changed backupPath changes { kind path before after } }
      ... on Error { message }
      ... on SettingsFileError { path reason }
      ... on MissingEnvError { names }
      ... on InvalidInputError { field }
      ... on AlreadyExistsError { field value }
    }
  }
`);

export const UndeployMcpServer = graphql(`
  mutation UndeployMcpServer($id: ID!, $input: DeployMcpServerInput) {
    undeployMcpServer(id: $id, input: $input) {
      __typename
      ... on McpSettingsUpdate { settingsPath entryName dryRun changed backupPath changes { kind path before after } }
      ... on Error { message }
    }
  }
`);

export const CheckMcpServerHealth = graphql(`
  mutation CheckMcpServerHealth($id: ID!) {
    checkMcpServerHealth(id: $id) {
      __typename
      ... on CheckMcpServerHealthPayload {
        server { id name }
        health { status latencyMs toolCount serverInfo { name version } protocolVersion errorCount recentErrors { message } lastSeen }
      }
      ... on Error { message }
    }
  }
`);

export const McpHealthChanged = graphql(`
  subscription McpHealthChanged($serverId: ID) {
    mcpHealthChanged(serverId: $serverId) { serverId name previousStatus status server { name health { status } } }
  }
`);

export const HealthStatus = graphql(`
  subscription HealthStatus {
    healthStatus { at database { ok latencyMs } jobQueueDepth mcpServers { serverId name status } }
  }
`);
