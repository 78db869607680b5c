"""Prepares a running moto server for the signing tests and prints what they need as JSON.

Run with IAM auth still off (moto's default). Creates an IAM user with an access key, a role that
the user may assume and that allows kinesis:* and sts:AssumeRole, a one-shard Kinesis stream and a
Cognito identity pool allowing unauthenticated identities; then assumes the role with the user's
key. Prints {temporaryCredentials, userCredentials, roleArn, streamName, region, identityPoolId}.

Usage: .venv/bin/python tests/support/moto_setup.py http://127.0.0.1:PORT [region]
"""

import json
import sys

import boto3

ACCOUNT_ID = "123456789012"
USER_NAME = "clickstream-signer"
ROLE_NAME = "clickstream-producer"
STREAM_NAME = "clickstream-moto"
POOL_NAME = "clickstream_moto_pool"


def client(service, endpoint, region, key_id="AKIAMOTOSETUP0000000", secret="setup"):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: moto_setup.py ENDPOINT [REGION]")
    endpoint = sys.argv[1]
    region = sys.argv[2] if len(sys.argv) > 2 else "us-east-1"

    iam = client("iam", endpoint, region)
    iam.create_user(UserName=USER_NAME)
    iam.put_user_policy(
        UserName=USER_NAME,
        PolicyName="assume-producer-role",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName=USER_NAME)["AccessKey"]

    role_arn = iam.create_role(
        RoleName=ROLE_NAME,
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=ROLE_NAME,
        PolicyName="kinesis-producer",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["kinesis:*", "sts:AssumeRole"],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )

    kinesis = client("kinesis", endpoint, region)
    kinesis.create_stream(StreamName=STREAM_NAME, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(
        StreamName=STREAM_NAME, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50}
    )

    cognito = client("cognito-identity", endpoint, region)
    pool_id = cognito.create_identity_pool(
        IdentityPoolName=POOL_NAME, AllowUnauthenticatedIdentities=True
    )["IdentityPoolId"]

    sts = client(
        "sts", endpoint, region, key["AccessKeyId"], key["SecretAccessKey"]
    )
    assumed = sts.assume_role(
        RoleArn=role_arn, RoleSessionName="clickstream-test", DurationSeconds=3600
    )["Credentials"]

    print(
        json.dumps(
            {
                "temporaryCredentials": {
                    "accessKeyId": assumed["AccessKeyId"],
                    "secretAccessKey": assumed["SecretAccessKey"],
                    "sessionToken": assumed["SessionToken"],
                    "expiration": assumed["Expiration"].isoformat(),
                },
                "userCredentials": {
                    "accessKeyId": key["AccessKeyId"],
                    "secretAccessKey": key["SecretAccessKey"],
                },
                "roleArn": role_arn,
                "streamName": STREAM_NAME,
                "region": region,
                "identityPoolId": pool_id,
            }
        )
    )


if __name__ == "__main__":
    main()
