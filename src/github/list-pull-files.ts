import { gitHubError, type GitHub } from './client.js';

export interface PullFiles {
  /** Every path the pull request touches; a renamed file counts under its old and new path. */
  paths: string[];
  /** How many file entries GitHub listed (it lists at most 3000). */
  listed: number;
}

/** GET /repos/{owner}/{repo}/pulls/{n}/files, every page of 100. */
export async function listPullFiles(github: GitHub, number: number): Promise<PullFiles> {
  const { owner, repo } = github;
  try {
    const files = await github.octokit.paginate(github.octokit.rest.pulls.listFiles, {
      owner,
      repo,
      pull_number: number,
      per_page: 100
    });
    return {
      paths: files.flatMap((file) =>
        file.previous_filename ? [file.previous_filename, file.filename] : [file.filename]
      ),
      listed: files.length
    };
  } catch (error) {
    throw gitHubError(error, `listing the files of pull request #${number}`, 'pull-requests: read');
  }
}
