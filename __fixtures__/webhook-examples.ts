/** GitHub's own example webhook payloads (@octokit/webhooks-examples), as deep copies. */
export {
  webhookExample as example,
  webhookExamples as examples
} from '../stand-ins/github.mjs';
